"""Reading guidance texts: one step per line, and contacts as ``name | phone | what for`` lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE = 300
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ./-]{1,30}$")


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    description: str

    @property
    def tel(self) -> str:
        """The phone number for a ``tel:`` link (digits and a leading +), or empty."""
        return re.sub(r"[^0-9+]", "", self.phone)


class ContactsError(ValueError):
    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {n}: {p}" for n, p in problems))
        self.problems = problems


def steps(body: str) -> list[str]:
    """The non-empty lines of a guidance text, stripped."""
    return [line.strip() for line in body.splitlines() if line.strip()]


def parse_contacts(body: str) -> list[Contact]:
    """Parse contact lines; raise ContactsError naming every bad line (1-based numbers).

    The problem texts are codes (``"name"``, ``"phone"``, ``"fields"``, ``"length"``) that the
    form turns into translated messages.
    """
    contacts: list[Contact] = []
    problems: list[tuple[int, str]] = []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(line) > MAX_LINE:
            problems.append((number, "length"))
            continue
        if len(parts) > 3:
            problems.append((number, "fields"))
            continue
        name, phone, description = (*parts, "", "")[:3]
        if not name:
            problems.append((number, "name"))
            continue
        if phone and not _PHONE_RE.match(phone):
            problems.append((number, "phone"))
            continue
        contacts.append(Contact(name, phone, description))
    if problems:
        raise ContactsError(problems)
    return contacts

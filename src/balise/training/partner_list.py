"""A partner's list of participants (CSV or XLSX, read by ``balise.core.tabular``), added to a
session all or nothing: every problem is named (row, column, value, reason) and nothing is
written while one remains.

Columns (any order, headers in any case or accent): ``name`` (or ``full_name``) and ``email``
are required; ``organisation``, ``sector`` (a code or label of the data dictionary), ``function``,
``study`` and ``language`` (fr, nl or en; the session's by default) are optional.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_noop

from balise.accounts.models import User
from balise.core.tabular import (
    ImportIssue,
    ImportRefused,
    Message,
    fold_header,
    in_each_language,
    read_table,
)
from balise.taxonomy.loader import vocabulary
from balise.training.models import Registration, Session
from balise.training.services import (
    RegistrationInput,
    RegistrationRefused,
    registration_add_by_staff,
)

ALIASES: Final = {
    "name": "full_name",
    "full_name": "full_name",
    "nom": "full_name",
    "naam": "full_name",
    "email": "email",
    "e_mail": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "sector": "sector",
    "secteur": "sector",
    "function": "function",
    "fonction": "function",
    "functie": "function",
    "study": "study",
    "language": "language",
    "langue": "language",
    "taal": "language",
}
LIMITS: Final = {"full_name": 200, "email": 254, "organisation": 200, "function": 200, "study": 200}


def _problem(
    row: int, column: str, value: str, text: str, code: str, **values: object
) -> ImportIssue:
    message = Message(text, values)
    return ImportIssue(row, column, value, message.render(), code, in_each_language(message.render))


def read_partner_list(content: bytes, *, session: Session) -> list[tuple[int, RegistrationInput]]:
    """The rows of a partner's list as registrations to add; ImportRefused names every problem."""
    table = read_table(content)
    columns = [ALIASES.get(fold_header(h), "") for h in table.header]
    issues: list[ImportIssue] = []
    for required in ("full_name", "email"):
        if required not in columns:
            issues.append(
                _problem(1, required, "", gettext_noop("The column is missing."), "missing_column")
            )
    if issues:
        raise ImportRefused(issues)
    sectors = vocabulary("sectors")
    found: list[tuple[int, RegistrationInput]] = []
    seen: set[str] = set()
    for number, cells in table.rows:
        values = {name: cell.strip() for name, cell in zip(columns, cells, strict=False) if name}
        row_issues = []
        for name, limit in LIMITS.items():
            if len(values.get(name, "")) > limit:
                row_issues.append(
                    _problem(number, name, values[name][:40], gettext_noop("Too long."), "length")
                )
        if not values.get("full_name"):
            row_issues.append(
                _problem(number, "full_name", "", gettext_noop("The name is missing."), "required")
            )
        email = values.get("email", "")
        try:
            validate_email(email)
        except ValidationError:
            row_issues.append(
                _problem(number, "email", email, gettext_noop("Not an email address."), "email")
            )
        if email.lower() in seen:
            row_issues.append(
                _problem(number, "email", email, gettext_noop("Twice in the file."), "duplicate")
            )
        seen.add(email.lower())
        sector = ""
        if values.get("sector"):
            sector = sectors.code_from_label(values["sector"]) or ""
            if not sector:
                row_issues.append(
                    _problem(
                        number,
                        "sector",
                        values["sector"],
                        gettext_noop("Not a sector of the data dictionary."),
                        "sector",
                    )
                )
        language = (values.get("language") or session.language).lower()[:2]
        if language not in {"fr", "nl", "en"}:
            row_issues.append(
                _problem(
                    number,
                    "language",
                    values["language"],
                    gettext_noop("Use fr, nl or en."),
                    "lang",
                )
            )
        issues.extend(row_issues)
        if not row_issues:
            found.append(
                (
                    number,
                    RegistrationInput(
                        full_name=values["full_name"],
                        email=email,
                        language=language,
                        consent=True,
                        organisation=values.get("organisation", ""),
                        sector=sector,
                        study=values.get("study", ""),
                        function=values.get("function", ""),
                    ),
                )
            )
    if issues:
        raise ImportRefused(issues)
    return found


def partner_list_import(
    *,
    actor: User,
    session: Session,
    rows: Sequence[tuple[int, RegistrationInput]],
    request: HttpRequest | None = None,
) -> list[Registration]:
    """Add every row, or none: a row the session refuses (already registered, no place left)
    undoes the whole list and is named."""
    added = []
    with transaction.atomic():
        for number, data in rows:
            try:
                added.append(
                    registration_add_by_staff(
                        actor=actor, session=session, data=data, request=request
                    )
                )
            except RegistrationRefused as refused:  # leaving the block undoes the rows added
                raise ImportRefused(
                    [ImportIssue(number, "email", data.email, refused.message, refused.code)]
                ) from None
    return added

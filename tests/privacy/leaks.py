"""Looks for identity values and the network secret in captured browser requests.

A value counts as leaked when any spelling of it appears in a request's URL, a header or the
body: as typed, lower or upper case, without accents, URL-decoded, with separators removed, as
the spec normalises it (``balise.linkage.normalise``), and birth dates in the usual formats.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, unquote_plus

from balise.linkage.normalise import first_name_forms, last_name_forms
from balise.linkage.secret import NetworkSecret

MIN_NEEDLE = 5  # shorter fragments ("van", "den", "f") would match by chance


@dataclass(frozen=True)
class Sent:
    """One request as the browser sent it."""

    url: str
    headers: Mapping[str, str]
    body: bytes


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _plain(text))


def _date_spellings(iso: str) -> set[str]:
    year, month, day = iso.split("-")
    m, d = str(int(month)), str(int(day))
    spellings = {iso, f"{year}{month}{day}", f"{day}{month}{year}", f"{month}{day}{year}"}
    for sep in "/-. ":
        spellings |= {
            f"{day}{sep}{month}{sep}{year}",
            f"{month}{sep}{day}{sep}{year}",
            f"{year}{sep}{month}{sep}{day}",
            f"{d}{sep}{m}{sep}{year}",
            f"{year}{sep}{m}{sep}{d}",
        }
    return spellings


def identity_needles(identity: Mapping[str, str]) -> set[str]:
    """Every spelling of one identity's names and full birth date worth looking for."""
    needles: set[str] = set()
    for key in ("first_name", "last_name"):
        value = identity[key]
        parts = [value, *re.split(r"[\s\-']+", value)]
        for part in parts:
            needles |= {part, part.lower(), part.upper(), _plain(part)}
    for forms in (first_name_forms(identity["first_name"]), last_name_forms(identity["last_name"])):
        needles |= set(forms.words) | set(forms.skeletons)
    if len(identity.get("birth_date", "")) == 10:
        needles |= _date_spellings(identity["birth_date"])
    return {n for n in needles if len(_compact(n)) >= MIN_NEEDLE}


def secret_needles(secret: NetworkSecret) -> set[str]:
    raw = secret.secret
    return {
        raw.hex(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        secret.dumps().strip(),
    }


def _haystacks(sent: Sent) -> list[str]:
    texts = [sent.url, *(f"{k}: {v}" for k, v in sent.headers.items())]
    texts.append(sent.body.decode("utf-8", errors="replace"))
    texts.append(sent.body.decode("latin-1"))
    found = []
    for text in texts:
        for variant in {text, unquote(text), unquote_plus(text)}:
            found += [variant, _plain(variant), _compact(variant)]
    return found


def find_leaks(requests: Iterable[Sent], needles: Iterable[str]) -> list[str]:
    """``"needle in METHOD url"`` for every needle found in any spelling of any request."""
    checks = {(n, _plain(n), _compact(n)) for n in needles}
    leaks = []
    for sent in requests:
        haystacks = _haystacks(sent)
        for needle, plain, compact in sorted(checks):
            if any(needle in h or plain in h or compact in h for h in haystacks):
                leaks.append(f"{needle!r} in {sent.url}")
    return leaks

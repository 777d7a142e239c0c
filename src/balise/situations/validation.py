"""One validation for every way in (form, bulk import, API): ``validate_situation_data``.

It takes loosely typed input (strings from a form or a spreadsheet, or JSON values), checks every
field against the data dictionary, and either returns a ``CleanedSituation`` or raises
``SituationValidationError`` listing *every* problem with its field path, a machine code and a
translated message. Fields that look like identity data (names, birth dates) are refused outright.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from django.utils import timezone
from django.utils.translation import gettext as _

from balise.taxonomy.loader import Vocabulary, current_version, fold, load

# Field names in the order forms, exports and errors use them.
SINGLE_FIELDS: Final = {
    "arrondissement": "geography",
    "gender": "genders",
    "citizenship_group": "citizenship_groups",
    "status": "statuses",
}
MULTI_FIELDS: Final = {
    "forms": "forms",
    "recruitment_channels": "recruitment_channels",
    "places": "places",
    "vulnerabilities": "vulnerabilities",
    "signs": "signs",
    "actions": "actions",
}
IDENTITY_FIELDS: Final = ("identity_encoding", "identity_version", "identity_key_id")
FIELDS: Final = (
    "reference",
    "detection_month",
    "arrondissement",
    "age_years",
    "gender",
    "citizenship_group",
    "unaccompanied",
    "forms",
    "recruitment_channels",
    "places",
    "vulnerabilities",
    "signs",
    "actions",
    "status",
    *IDENTITY_FIELDS,
    "note",
)
REQUIRED: Final = frozenset(
    {"detection_month", "arrondissement", "gender", "citizenship_group", "forms", "status"}
)
# A code that means "nothing else applies" cannot be combined with other codes.
EXCLUSIVE_CODES: Final = {"recruitment_channels": "unknown", "places": "unknown", "actions": "none"}
REFERENCE_RE: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/#-]{0,63}$")
KEY_ID_RE: Final = re.compile(r"^[0-9a-f]{16}$")
MAX_NOTE_CHARS: Final = 4000
EARLIEST_MONTH: Final = date(2000, 1, 1)
MAX_AGE: Final = 17

# Identity-like field names: compared after lower-casing and removing accents and separators.
_IDENTITY_PARTS: Final = ("name", "naam", "prenom", "birth", "naissance", "geboort", "surname")
_IDENTITY_EXACT: Final = frozenset({"dob", "nom", "ddn"})


@functools.lru_cache(maxsize=1024)
def is_identity_field(key: str) -> bool:
    """True for names like first_name, Nom, Date de naissance, geboortedatum, DOB."""
    # Cached: pure, and an import asks about the same few column names for every row.
    decomposed = unicodedata.normalize("NFKD", str(key).casefold())
    bare = re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if c.isascii()))
    return bare in _IDENTITY_EXACT or any(part in bare for part in _IDENTITY_PARTS)


@dataclass(frozen=True)
class FieldIssue:
    """One problem: ``field`` (top-level name), ``index`` in a list field, a code and a message."""

    field: str
    code: str
    message: str
    index: int | None = None

    @property
    def path(self) -> str:
        return self.field if self.index is None else f"{self.field}[{self.index}]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "index": self.index,
            "path": self.path,
            "code": self.code,
            "message": self.message,
        }


class SituationValidationError(ValueError):
    def __init__(self, issues: Iterable[FieldIssue]) -> None:
        self.issues: tuple[FieldIssue, ...] = tuple(issues)
        super().__init__("; ".join(f"{i.path}: {i.code}" for i in self.issues))

    def by_field(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for issue in self.issues:
            grouped.setdefault(issue.field, []).append(issue.message)
        return grouped

    def as_list(self) -> list[dict[str, Any]]:
        return [issue.as_dict() for issue in self.issues]

    @property
    def identity_fields(self) -> list[str]:
        return [i.field for i in self.issues if i.code == "identity_field"]


@dataclass(frozen=True)
class CleanedSituation:
    detection_month: date
    arrondissement: str
    gender: str
    citizenship_group: str
    status: str
    forms: list[str]
    reference: str = ""
    age_years: int | None = None
    unaccompanied: bool = False
    recruitment_channels: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)
    signs: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    identity_encoding: str = ""
    identity_version: str = ""
    identity_key_id: str = ""
    # None: the input did not mention the note; "": no note (or remove it).
    note: str | None = None
    dictionary_version: str = ""

    def model_values(self) -> dict[str, Any]:
        """Values for the model's columns (the note is handled apart, it is encrypted)."""
        return {name: getattr(self, name) for name in FIELDS if name != "note"} | {
            "dictionary_version": self.dictionary_version
        }


class _Invalid(Exception):
    def __init__(self, code: str, message: str, index: int | None = None) -> None:
        super().__init__(code)
        self.code, self.message, self.index = code, message, index


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, bool):
        raise _Invalid("invalid", _("Expected text."))
    if isinstance(value, int | float):
        value = int(value) if float(value).is_integer() else value
    if not isinstance(value, str | int | float):
        raise _Invalid("invalid", _("Expected text."))
    return str(value).strip()


def _clean_reference(value: object) -> str:
    if _blank(value):
        return ""
    text = _text(value)
    if not REFERENCE_RE.match(text):
        raise _Invalid(
            "invalid",
            _(
                "Use up to 64 letters, digits, spaces or . _ / # - (starting with a letter "
                "or a digit)."
            ),
        )
    return text


_MONTH_PATTERNS: Final = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), ("m", "y")),
)


def _clean_month(value: object) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parts = {"y": value.year, "m": value.month, "d": value.day}
    else:
        text = _text(value)
        for pattern, names in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                parts = {n: int(g) for n, g in zip(names, match.groups(), strict=True)}
                break
        else:
            raise _Invalid("invalid", _("Enter a month as YYYY-MM (for example 2025-03)."))
    try:
        date(parts["y"], parts["m"], parts.get("d", 1))
        month = date(parts["y"], parts["m"], 1)
    except ValueError:
        raise _Invalid("invalid", _("This date does not exist.")) from None
    today = timezone.localdate()
    if month > today.replace(day=1):
        raise _Invalid("future", _("The detection month cannot be in the future."))
    if month < EARLIEST_MONTH:
        raise _Invalid("out_of_range", _("The detection month cannot be before 2000."))
    return month


def _clean_age(value: object) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise _Invalid("invalid", _("Enter the age in whole years."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}(\.0+)?\s*", value):
        value = int(float(value))
    if not isinstance(value, int):
        raise _Invalid("invalid", _("Enter the age in whole years."))
    if not 0 <= value <= MAX_AGE:
        raise _Invalid("out_of_range", _("Balise records minors: the age must be 0 to 17."))
    return value


_TRUE: Final = frozenset({"true", "1", "yes", "on", "oui", "ja", "y", "o", "j"})
_FALSE: Final = frozenset({"false", "0", "no", "off", "non", "nee", "n", ""})


def _clean_bool(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Invalid("invalid", _("Answer yes or no."))


def _resolve(vocab: Vocabulary, raw: str, accept_labels: bool) -> str | None:
    if raw in vocab:
        return raw
    return vocab.code_from_label(raw) if accept_labels else None


# Up to this many valid choices are listed in the message; longer lists (arrondissements) are on
# the import page and in its template.
LISTED_CHOICES: Final = 12


def _not_a_choice(vocab: Vocabulary, text: str, level: str | None) -> _Invalid:
    """The refusal of an unknown value: what is valid, in the reader's language, and the closest."""
    entries = [e for e in vocab if not e.retired and (not level or e.level == level)]
    spellings: dict[str, str] = {}
    for entry in entries:
        for spelling in (entry.code, *entry.labels.values()):
            spellings.setdefault(fold(spelling), entry.label())
    message = _("%(value)s is not a valid choice.") % {"value": text}
    typed = fold(text)
    close = difflib.get_close_matches(typed, list(spellings), n=1, cutoff=0.6)
    if not close and len(typed) >= 4:  # one word of a longer label ("Bruxelles", "Liège")
        close = [k for k in spellings if typed in re.split(r"[\s\-/]+", k)][:1]
    if close:
        message += " " + _("Did you mean “%(label)s”?") % {"label": spellings[close[0]]}
    if len(entries) <= LISTED_CHOICES:
        choices = ", ".join(f"“{entry.label()}” ({entry.code})" for entry in entries)
        message += " " + _("Valid choices: %(choices)s.") % {"choices": choices}
    else:
        message += " " + _(
            "The %(count)s valid choices are listed on the import page and in its template."
        ) % {"count": len(entries)}
    return _Invalid("unknown_code", message)


def _clean_single(vocab: Vocabulary, value: object, accept_labels: bool, level: str | None) -> str:
    text = _text(value)
    code = _resolve(vocab, text, accept_labels)
    entry = vocab.get(code) if code else None
    if entry is None or entry.retired or (level and entry.level != level):
        raise _not_a_choice(vocab, text, level)
    return entry.code


def _split(value: object, accept_labels: bool) -> list[object]:
    if _blank(value):
        return []
    if isinstance(value, str):
        # Labels may hold commas, so imports by label separate values with | or ; only.
        separators = r"[|;]" if accept_labels else r"[|;,]"
        return [part for part in re.split(separators, value) if part.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    raise _Invalid("invalid", _("Expected a list of codes."))


def _clean_multi(name: str, vocab: Vocabulary, value: object, accept_labels: bool) -> list[str]:
    codes: list[str] = []
    problems: list[_Invalid] = []
    for index, item in enumerate(_split(value, accept_labels)):
        try:
            code = _clean_single(vocab, item, accept_labels, None)
        except _Invalid as exc:
            problems.append(_Invalid(exc.code, exc.message, index))
            continue
        if code not in codes:
            codes.append(code)
    if problems:
        raise _MultiInvalid(problems)
    exclusive = EXCLUSIVE_CODES.get(name)
    if exclusive and exclusive in codes and len(codes) > 1:
        raise _Invalid(
            "inconsistent",
            _("%(label)s cannot be combined with other choices.")
            % {"label": vocab.label(exclusive)},
        )
    return codes


class _MultiInvalid(Exception):
    def __init__(self, problems: list[_Invalid]) -> None:
        super().__init__("several")
        self.problems = problems


def _clean_note(value: object) -> str:
    if _blank(value):
        return ""
    if not isinstance(value, str):
        raise _Invalid("invalid", _("Expected text."))
    text = value.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise _Invalid(
            "too_long",
            _("The note holds %(count)d characters; the limit is %(limit)d.")
            % {"count": len(text), "limit": MAX_NOTE_CHARS},
        )
    return text


def _encoding_bytes(version: str) -> int | None:
    """The byte length of an encoding of ``version`` (any spec this server knows), else None."""
    from balise.linkage.spec import spec_for

    if not (version.isascii() and version.isdigit()):
        return None
    try:
        return spec_for(int(version)).total_bytes
    except ValueError:
        return None


def encoding_max_chars() -> int:
    """The longest base64 text of an encoding of any known spec version (API input bound)."""
    from balise.linkage.spec import SPECS

    return max(4 * -(-spec.total_bytes // 3) for spec in SPECS.values())


def _clean_identity(values: Mapping[str, object]) -> tuple[dict[str, str], list[FieldIssue]]:
    raw = {
        name: "" if _blank(values.get(name)) else str(values.get(name)).strip()
        for name in IDENTITY_FIELDS
    }
    if not any(raw.values()):
        return raw, []
    # Our exports prefix "'" to cells that start like a formula; base64 may start with "+".
    if raw["identity_encoding"].startswith("'+"):
        raw["identity_encoding"] = raw["identity_encoding"][1:]
    issues = [
        FieldIssue(
            name,
            "required",
            _("The encoding, its version and the key identifier go together."),
        )
        for name, text in raw.items()
        if not text
    ]
    if issues:
        return raw, issues
    expected = _encoding_bytes(raw["identity_version"])
    if expected is None:
        issues.append(
            FieldIssue("identity_version", "unknown_version", _("Unknown encoding version."))
        )
    else:
        # One spelling per version ("01" is 1): linkage groups encodings by this text.
        raw["identity_version"] = str(int(raw["identity_version"]))
    try:
        decoded = base64.b64decode(raw["identity_encoding"], validate=True)
    except (binascii.Error, ValueError):
        issues.append(
            FieldIssue("identity_encoding", "invalid", _("The encoding is not valid base64."))
        )
    else:
        if expected is not None and len(decoded) != expected:
            issues.append(
                FieldIssue(
                    "identity_encoding",
                    "invalid_length",
                    _("The encoding must hold %(expected)d bytes, not %(found)d.")
                    % {"expected": expected, "found": len(decoded)},
                )
            )
    if not KEY_ID_RE.match(raw["identity_key_id"]):
        issues.append(
            FieldIssue(
                "identity_key_id",
                "invalid",
                _("The key identifier is 16 hexadecimal characters."),
            )
        )
    return raw, issues


def _field_cleaner(name: str, version: str, accept_labels: bool) -> Callable[[object], Any]:
    dictionary = load(version)
    if name in SINGLE_FIELDS:
        vocab = dictionary[SINGLE_FIELDS[name]]
        level = "arrondissement" if name == "arrondissement" else None
        return lambda value: _clean_single(vocab, value, accept_labels, level)
    if name in MULTI_FIELDS:
        vocab = dictionary[MULTI_FIELDS[name]]
        return lambda value: _clean_multi(name, vocab, value, accept_labels)
    return {
        "reference": _clean_reference,
        "detection_month": _clean_month,
        "age_years": _clean_age,
        "unaccompanied": _clean_bool,
        "note": _clean_note,
    }[name]


def _required_message(name: str) -> str:
    if name == "forms":
        return _("Choose at least one form of exploitation.")
    return _("This field is required.")


def validate_field(
    name: str, value: object, *, version: str | None = None, accept_labels: bool = False
) -> list[FieldIssue]:
    """Problems of one field on its own (inline validation); cross-field rules are not applied."""
    if name not in FIELDS or name in IDENTITY_FIELDS:
        return []
    version = version or current_version()
    issues, _value = _validate_one(name, value, version, accept_labels)
    return issues


def _validate_one(
    name: str, value: object, version: str, accept_labels: bool
) -> tuple[list[FieldIssue], Any]:
    empty = _blank(value) or (isinstance(value, list | tuple) and not value)
    if name in REQUIRED and empty:
        return [FieldIssue(name, "required", _required_message(name))], None
    try:
        return [], _field_cleaner(name, version, accept_labels)(value)
    except _Invalid as exc:
        return [FieldIssue(name, exc.code, exc.message, exc.index)], None
    except _MultiInvalid as exc:
        return [FieldIssue(name, p.code, p.message, p.index) for p in exc.problems], None


def validate_situation_data(
    data: Mapping[str, object], *, accept_labels: bool = False, version: str | None = None
) -> CleanedSituation:
    """Check a whole situation; ``accept_labels`` lets FR/NL/EN labels stand for codes (import).

    Raises ``SituationValidationError`` with every problem at once.
    """
    version = version or current_version()
    issues: list[FieldIssue] = []
    for key in data:
        if is_identity_field(key):
            issues.append(
                FieldIssue(
                    str(key),
                    "identity_field",
                    _(
                        "Names and birth dates are never sent to Balise; the identity is "
                        "encoded on your device."
                    ),
                )
            )
        elif key not in FIELDS:
            issues.append(FieldIssue(str(key), "unknown_field", _("Unknown field.")))
    values: dict[str, Any] = {}
    for name in FIELDS:
        if name in IDENTITY_FIELDS:
            continue
        if name == "note" and name not in data:
            values["note"] = None
            continue
        found, value = _validate_one(name, data.get(name), version, accept_labels)
        issues.extend(found)
        values[name] = value
    identity, identity_issues = _clean_identity(data)
    issues.extend(identity_issues)
    values.update(identity)
    if values.get("unaccompanied") and values.get("citizenship_group") == "belgian":
        issues.append(
            FieldIssue(
                "unaccompanied",
                "inconsistent",
                _("An unaccompanied foreign minor cannot have Belgian citizenship."),
            )
        )
    if issues:
        raise SituationValidationError(issues)
    for name in MULTI_FIELDS:
        values[name] = values.get(name) or []
    values["unaccompanied"] = bool(values.get("unaccompanied"))
    return CleanedSituation(dictionary_version=version, **values)

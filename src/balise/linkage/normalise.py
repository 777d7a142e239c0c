"""Normalisation of identity fields into tokens (spec v1, docs/encoding.md §3-§5).

Every rule here is a plain ordered string operation so that the JavaScript port
(`static/balise/js/encoding.js`) can mirror it exactly; change nothing without a new spec version.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import unicodedata
from dataclasses import dataclass

from balise.linkage.spec import CURRENT

# §3.1 letters that NFKD does not decompose into a Latin base letter.
SPECIAL_LETTERS: tuple[tuple[str, str], ...] = (
    ("ß", "ss"),
    ("æ", "ae"),
    ("œ", "oe"),
    ("ø", "o"),
    ("đ", "d"),
    ("ð", "d"),
    ("ł", "l"),
    ("þ", "th"),
    ("ı", "i"),
)
# §3.1 apostrophes join the letters around them ("D'Hondt" -> "dhondt").
APOSTROPHES = "'`´’‘ʼʻ"

# §4.1 transliteration and spelling folds, applied in this order, each to every occurrence,
# scanning left to right without overlap (Python str.replace, JavaScript replaceAll).
FOLD_RULES: tuple[tuple[str, str], ...] = (
    ("sch", "s"),
    ("ch", "s"),
    ("sh", "s"),
    ("ph", "f"),
    ("kh", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("dj", "j"),
    ("ck", "k"),
    ("ij", "i"),
    ("q", "k"),
    ("x", "ks"),
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "sy"),
    ("c", "k"),
    ("y", "i"),
    ("oua", "wa"),
    ("oue", "we"),
    ("oui", "wi"),
    ("ouo", "wo"),
    ("ouu", "wu"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("oe", "u"),
)
VOWELS = "aeiou"

# §4.2 particles of last names: whole leading parts that are dropped for the core name, and
# prefixes stripped from a single-word core ("Vandenbroeck" -> "broeck"), longest first.
PARTICLES: frozenset[str] = frozenset(
    {
        "van", "von", "vanden", "vander", "vande", "de", "den", "der", "del", "della", "di",
        "da", "du", "des", "la", "le", "l", "d", "t", "ten", "ter", "te", "op", "el", "al",
        "ben", "bin", "ibn", "abu", "ait", "ould",
    }
)  # fmt: skip
PREFIXES: tuple[str, ...] = (
    "vanden", "vander", "vande", "van", "della", "dela", "del", "den", "der", "de",
    "du", "la", "le", "el", "al", "ben", "ait",
)  # fmt: skip
MIN_CORE_AFTER_PREFIX = 3

_NON_LETTERS = re.compile(r"[^a-z]+")
_REPEATS = re.compile(r"([a-z])\1+")


def clean(text: str) -> list[str]:
    """§3.1: case, accents, punctuation and spaces away; returns the parts (a-z words)."""
    s = text.lower()
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    for source, target in SPECIAL_LETTERS:
        s = s.replace(source, target)
    for apostrophe in APOSTROPHES:
        s = s.replace(apostrophe, "")
    s = _NON_LETTERS.sub(" ", s)
    return s.split()


def collapse_repeats(part: str) -> str:
    return _REPEATS.sub(r"\1", part)


@functools.lru_cache(maxsize=200_000)
def fold(part: str) -> str:
    """§4.1: the rules in order, then doubled letters collapsed, repeated until nothing changes.

    It ends: apart from "x" -> "ks" (no rule makes an "x"), every rule shortens the word or
    removes a "c" or "y" that no rule brings back.
    """
    while True:
        folded = part
        for source, target in FOLD_RULES:
            folded = folded.replace(source, target)
        folded = collapse_repeats(folded)
        if folded == part:
            return folded
        part = folded


def skeleton(folded: str) -> str:
    """§4.1: the consonant skeleton; a leading vowel becomes "a", later vowels are dropped."""
    if not folded:
        return ""
    head = "a" if folded[0] in VOWELS else folded[0]
    tail = "".join(ch for ch in folded[1:] if ch not in VOWELS)
    return collapse_repeats(head + tail)


def strip_prefix(word: str) -> str:
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_CORE_AFTER_PREFIX:
            return word[len(prefix) :]
    return word


@dataclass(frozen=True)
class NameForms:
    """The folded words whose bigrams and skeletons enter a name segment."""

    words: tuple[str, ...]
    skeletons: tuple[str, ...]


def first_name_forms(text: str) -> NameForms:
    """§4.3: every given name counts on its own (hyphens and spaces separate them)."""
    words = tuple(dict.fromkeys(w for w in (fold(p) for p in clean(text)) if w))
    return NameForms(words, tuple(dict.fromkeys(skeleton(w) for w in words)))


def last_name_forms(text: str) -> NameForms:
    """§4.2: the whole name run together, and its core without leading particles."""
    parts = clean(text)
    if not parts:
        return NameForms((), ())
    full = "".join(parts)
    core_parts = list(parts)
    while len(core_parts) > 1 and core_parts[0] in PARTICLES:
        core_parts.pop(0)
    core = strip_prefix("".join(core_parts))
    words = tuple(dict.fromkeys(w for w in (fold(full), fold(core)) if w))
    core_skeleton = skeleton(fold(core))
    return NameForms(words, (core_skeleton,) if core_skeleton else ())


def bigrams(word: str) -> list[str]:
    padded = f"_{word}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def name_tokens(forms: NameForms) -> list[str]:
    """§4.4: "b:" bigram tokens of every word and "s:" skeleton tokens, deduplicated, in order."""
    tokens: dict[str, None] = {}
    for word in forms.words:
        for gram in bigrams(word):
            tokens[f"b:{gram}"] = None
    for sk in forms.skeletons:
        tokens[f"s:{sk}"] = None
    return list(tokens)


class InvalidField(ValueError):
    """A field value the spec cannot encode; the message names the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


BLANKS = " \t\r\n"  # §5: the only characters trimmed around a date or sex code
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_YEARLESS_DATE = re.compile(r"--([0-9]{2})-([0-9]{2})")
MIN_YEAR = 1900
MAX_YEAR = 2199
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# §5.1 the year-less form `--MM-DD` (ISO 8601) is read from this spec version on; v1 refuses it.
YEARLESS_SINCE_VERSION = 2
DEFAULT_VERSION = CURRENT.version


@dataclass(frozen=True)
class BirthDate:
    """A birth date as far as it is known: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `--MM-DD`.

    `day_and_month` only comes from keeping the plausible parts of a damaged date (§5.4) whose
    month cannot exist but whose day and month swapped can: the two numbers (smaller first)
    without saying which is which; it then stands in for `month` and `day`, which stay None.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    day_and_month: tuple[int, int] | None = None

    def is_after(self, today: dt.date) -> bool:
        """Whether the date, as far as it is known, lies after `today` (a year-less one never)."""
        if self.year is None or self.year != today.year:
            return self.year is not None and self.year > today.year
        if self.month is None or self.month != today.month:
            return self.month is not None and self.month > today.month
        return self.day is not None and self.day > today.day


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in(month: int, year: int | None) -> int:
    """Days of a month; without a year February has 29 (some leap year may be meant)."""
    return 28 if month == 2 and year is not None and not is_leap(year) else _DAYS[month - 1]


def _date_fields(value: str, version: int) -> tuple[int | None, int | None, int | None]:
    """The numbers of a date in one of the §5.1 forms, unchecked; raises on any other form."""
    match = _DATE.fullmatch(value)
    if match is not None:
        year, month, day = match.groups()
        return int(year), None if month is None else int(month), None if day is None else int(day)
    yearless = _YEARLESS_DATE.fullmatch(value)
    if yearless is None:
        forms = (
            "YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD"
            if version >= YEARLESS_SINCE_VERSION
            else "YYYY-MM-DD, YYYY-MM or YYYY"
        )
        raise InvalidField("birth_date", f"{value!r} is not {forms}")
    if version < YEARLESS_SINCE_VERSION:
        raise InvalidField(
            "birth_date",
            f"{value!r} is a date without a year (--MM-DD), which encoding version {version} "
            f"cannot encode (from version {YEARLESS_SINCE_VERSION} on)",
        )
    return None, int(yearless.group(1)), int(yearless.group(2))


def parse_birth_date(text: str, *, version: int = DEFAULT_VERSION) -> BirthDate:
    """§5.1: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `--MM-DD` (from v2) or empty; spaces ignored."""
    value = text.strip(BLANKS)
    if not value:
        return BirthDate()
    year, month, day = _date_fields(value, version)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidField("birth_date", f"year {year} is outside {MIN_YEAR}-{MAX_YEAR}")
    if month is None:
        return BirthDate(year)
    if not 1 <= month <= 12:
        raise InvalidField("birth_date", f"month {month} does not exist")
    if day is None:
        return BirthDate(year, month)
    if not 1 <= day <= days_in(month, year):
        where = f"{year:04d}-{month:02d}" if year is not None else f"month {month:02d}"
        raise InvalidField("birth_date", f"day {day} does not exist in {where}")
    return BirthDate(year, month, day)


class DatePart(enum.Enum):
    """What `--damaged-dates keep-plausible` kept of a date that cannot be right (§5.4)."""

    YEAR_MONTH = "year and month (the day cannot exist)"
    YEAR = "year only (the month cannot exist)"
    YEAR_DAY_AND_MONTH = (
        "year only, with day and month in either order (the month cannot exist; swapped with "
        "the day, it can)"
    )
    MONTH_DAY = "month and day (the year is impossible or the date lies after today)"
    DAY_AND_MONTH = (
        "day and month in either order (the year is impossible, the month cannot exist; "
        "swapped with the day, it can)"
    )
    NOTHING = "nothing (no part of the date is plausible)"


def plausible_parts(
    text: str, *, today: dt.date, version: int = DEFAULT_VERSION
) -> tuple[BirthDate, DatePart | None]:
    """§5.4: the date, or its plausible parts when it cannot exist or lies after `today`.

    A valid date not after today comes back unchanged with None. Otherwise a plausible year is
    kept with the month when only the day cannot exist, alone when the month cannot exist (with
    the day and month as an unordered pair when swapping them gives a date that exists); an
    impossible year (outside 1900-2199, or a date after today: a typo in the year) leaves month
    and day as a year-less date. A text in none of the §5.1 forms is still refused, and so is a
    year-less result under a spec version that has no year-less form.
    """
    value = text.strip(BLANKS)
    if not value:
        return BirthDate(), None
    year, month, day = _date_fields(value, version)
    try:
        date = parse_birth_date(value, version=version)
    except InvalidField as error:
        refused: InvalidField | None = error
    else:
        if not date.is_after(today):
            return date, None
        refused = None
    kept, part = _keep_plausible(year, month, day, today)
    if kept.year is None and kept != BirthDate() and version < YEARLESS_SINCE_VERSION:
        why = refused.reason if refused is not None else "the date lies after today"
        raise InvalidField(
            "birth_date",
            f"{why}; keeping its month and day needs a date without a year (--MM-DD), which "
            f"encoding version {version} cannot encode",
        )
    return kept, part


def _keep_plausible(
    year: int | None, month: int | None, day: int | None, today: dt.date
) -> tuple[BirthDate, DatePart]:
    month_ok = month is not None and 1 <= month <= 12

    def day_ok(in_year: int | None) -> bool:
        return month_ok and day is not None and 1 <= day <= days_in(month or 0, in_year)

    def swapped(in_year: int | None) -> tuple[int, int] | None:
        # the month cannot exist; read as the day, with the day as the month, can it?
        if month_ok or month is None or day is None or not 1 <= day <= 12:
            return None
        return (day, month) if 1 <= month <= days_in(day, in_year) else None

    if year is not None and MIN_YEAR <= year <= MAX_YEAR:
        if month_ok and day_ok(year):
            kept, part = BirthDate(year, month, day), None
        elif month_ok:
            kept, part = BirthDate(year, month), DatePart.YEAR_MONTH
        elif (pair := swapped(year)) is not None:
            kept, part = BirthDate(year, day_and_month=pair), DatePart.YEAR_DAY_AND_MONTH
        else:
            kept, part = BirthDate(year), DatePart.YEAR
        if not kept.is_after(today) and part is not None:
            return kept, part
    # no plausible year: outside the spec's range, or the date lies after today
    if month_ok and day_ok(None):
        return BirthDate(None, month, day), DatePart.MONTH_DAY
    if (pair := swapped(None)) is not None:
        return BirthDate(day_and_month=pair), DatePart.DAY_AND_MONTH
    return BirthDate(), DatePart.NOTHING


SEX_CODES = ("M", "F", "X")


def parse_sex(text: str) -> str:
    """§5.2: `M`, `F`, `X` (any case, spaces ignored) or empty."""
    value = text.strip(BLANKS).upper()
    if value and value not in SEX_CODES:
        raise InvalidField("sex", f"{text!r} is not M, F, X or empty")
    return value


def date_tokens(date: BirthDate, sex: str) -> list[str]:
    """§5.3: year with its neighbours, month and day (also swapped), full date, sex.

    A year-less date has the month and day tokens only; a kept day-and-month pair (§5.4) only
    the `dm` token, which does not depend on their order.
    """
    tokens: list[str] = []
    y, m, d = date.year, date.month, date.day
    if y is not None:
        tokens += [f"y:{y:04d}", f"yy:{y - 1:04d}:{y:04d}", f"yy:{y:04d}:{y + 1:04d}"]
    if m is not None:
        tokens.append(f"m:{m:02d}")
        if y is not None:
            tokens.append(f"ym:{y:04d}-{m:02d}")
        if d is not None:
            low, high = min(m, d), max(m, d)
            tokens += [f"d:{d:02d}", f"md:{m:02d}-{d:02d}", f"dm:{low:02d}-{high:02d}"]
            if y is not None:
                tokens.append(f"ymd:{y:04d}-{m:02d}-{d:02d}")
    elif date.day_and_month is not None:
        low, high = date.day_and_month
        tokens.append(f"dm:{low:02d}-{high:02d}")
    if sex:
        tokens.append(f"sex:{sex}")
    return tokens

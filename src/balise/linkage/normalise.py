"""Normalisation of identity fields into tokens (spec v1, docs/encoding.md §3-§5).

Every rule here is a plain ordered string operation so that the JavaScript port
(`static/balise/js/encoding.js`) can mirror it exactly; change nothing without a new spec version.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

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
MIN_YEAR = 1900
MAX_YEAR = 2199
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class BirthDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def parse_birth_date(text: str) -> BirthDate:
    """§5.1: `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty (surrounding spaces ignored)."""
    value = text.strip(BLANKS)
    if not value:
        return BirthDate()
    match = _DATE.fullmatch(value)
    if match is None:
        raise InvalidField("birth_date", f"{value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidField("birth_date", f"year {year} is outside {MIN_YEAR}-{MAX_YEAR}")
    if match.group(2) is None:
        return BirthDate(year)
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise InvalidField("birth_date", f"month {month} does not exist")
    if match.group(3) is None:
        return BirthDate(year, month)
    day = int(match.group(3))
    limit = 28 if month == 2 and not is_leap(year) else _DAYS[month - 1]
    if not 1 <= day <= limit:
        raise InvalidField("birth_date", f"day {day} does not exist in {year}-{month:02d}")
    return BirthDate(year, month, day)


SEX_CODES = ("M", "F", "X")


def parse_sex(text: str) -> str:
    """§5.2: `M`, `F`, `X` (any case, spaces ignored) or empty."""
    value = text.strip(BLANKS).upper()
    if value and value not in SEX_CODES:
        raise InvalidField("sex", f"{text!r} is not M, F, X or empty")
    return value


def date_tokens(date: BirthDate, sex: str) -> list[str]:
    """§5.3: year with its neighbours, month and day (also swapped), full date, sex."""
    tokens: list[str] = []
    if date.year is not None:
        y = date.year
        tokens += [f"y:{y:04d}", f"yy:{y - 1:04d}:{y:04d}", f"yy:{y:04d}:{y + 1:04d}"]
        if date.month is not None:
            tokens += [f"m:{date.month:02d}", f"ym:{y:04d}-{date.month:02d}"]
            if date.day is not None:
                m, d = date.month, date.day
                low, high = min(m, d), max(m, d)
                tokens += [
                    f"d:{d:02d}",
                    f"md:{m:02d}-{d:02d}",
                    f"dm:{low:02d}-{high:02d}",
                    f"ymd:{y:04d}-{m:02d}-{d:02d}",
                ]
    if sex:
        tokens.append(f"sex:{sex}")
    return tokens

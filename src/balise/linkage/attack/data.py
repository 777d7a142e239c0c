"""What a thief of the server's database holds, and what the attacker knows besides (issue 11).

The stolen copy is the records' ids, their encodings (16 words of 64 bits each in v1, as stored)
and their situation facts; the spec is public. Background knowledge is plaintext identities of
an independent population (or of one organisation's own register), reduced to name statistics.
No secret key is ever used on the attacker's side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from balise.linkage.normalise import (
    InvalidField,
    NameForms,
    first_name_forms,
    last_name_forms,
    name_tokens,
    parse_birth_date,
    parse_sex,
)
from balise.linkage.spec import EncodingSpec, Segment

Bits = npt.NDArray[np.bool_]
Identity = tuple[str, str, str, str]  # first names, last name, birth date, sex (plaintext)
Words = frozenset[str]  # a name as the set of its normalised words (what the bits can tell)


@dataclass(frozen=True)
class Facts:
    """The situation facts stored next to an encoding (coarsened quasi-identifiers)."""

    age_years: int | None  # at detection
    gender: str  # "M", "F" or "" when unknown
    detection_year: int
    detection_month: int


@dataclass(frozen=True)
class StolenCopy:
    """Everything the database holds about the records, and nothing more."""

    spec: EncodingSpec
    record_ids: tuple[str, ...]
    words: npt.NDArray[np.uint64]  # (records, spec.total_words): the 128 bytes as stored
    facts: tuple[Facts, ...]

    def __len__(self) -> int:
        return len(self.record_ids)

    def bits(self) -> Bits:
        """Bit n of the spec's vector in column n (most significant bit of each byte first)."""
        raw = np.ascontiguousarray(self.words).view(np.uint8)
        return np.unpackbits(raw, axis=1).astype(bool)

    def segment_bits(self, segment: Segment) -> Bits:
        return self.bits()[:, segment.offset : segment.offset + segment.bits]


def name_segments(spec: EncodingSpec) -> tuple[Segment, ...]:
    """The segments that hold names: every segment but the date's (v1: first_name, last_name)."""
    return tuple(s for s in spec.segments if "date" not in s.name)


def date_segment(spec: EncodingSpec) -> Segment | None:
    for segment in spec.segments:
        if "date" in segment.name:
            return segment
    return None


@dataclass(frozen=True)
class Distinct:
    """The distinct rows of a bit matrix, their counts and each input row's distinct index."""

    values: Bits
    counts: npt.NDArray[np.int64]
    inverse: npt.NDArray[np.int64]


def distinct(bits: Bits) -> Distinct:
    packed = np.packbits(bits, axis=1)
    _, first, inverse, counts = np.unique(
        packed, axis=0, return_index=True, return_inverse=True, return_counts=True
    )
    return Distinct(bits[first], counts.astype(np.int64), inverse.reshape(-1).astype(np.int64))


def first_words(text: str) -> Words:
    return frozenset(first_name_forms(text).words)


def last_words(text: str) -> Words:
    return frozenset(last_name_forms(text).words)


@dataclass(frozen=True)
class NameValue:
    """One plaintext name value as the encoder sees it: its words and its tokens."""

    words: Words
    tokens: frozenset[str]


def name_value(forms: NameForms) -> NameValue:
    return NameValue(frozenset(forms.words), frozenset(name_tokens(forms)))


@dataclass
class Background:
    """Name and date statistics the attacker holds (counts of records, not of people)."""

    records: int
    first: Counter[NameForms] = field(default_factory=Counter)
    last: Counter[NameForms] = field(default_factory=Counter)
    first_sex: dict[Words, Counter[str]] = field(default_factory=dict)
    years: Counter[int] = field(default_factory=Counter)
    dates: Counter[tuple[str, str]] = field(default_factory=Counter)  # (YYYY[-MM[-DD]], sex)
    sexes: Counter[str] = field(default_factory=Counter)
    # (first name, last name, sex) of each record: what the first/last co-occurrence graph needs
    pairs: Counter[tuple[NameForms, NameForms, str]] = field(default_factory=Counter)
    # The attacker's own register rows found in the stolen copy (a situation stores its
    # organisation and internal reference): record index -> (first names, last name) plaintext.
    own_records: dict[int, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_identities(cls, identities: Iterable[Identity]) -> Background:
        background = cls(records=0)
        for first, last, birth_date, sex in identities:
            background.records += 1
            first_forms, last_forms = first_name_forms(first), last_name_forms(last)
            if first_forms.words:
                background.first[first_forms] += 1
            if last_forms.words:
                background.last[last_forms] += 1
            try:
                year = parse_birth_date(birth_date).year
                code = parse_sex(sex)
            except InvalidField:
                continue
            background.pairs[(first_forms, last_forms, code)] += 1
            background.dates[(birth_date.strip(), code)] += 1
            if year is not None:
                background.years[year] += 1
            if code:
                background.sexes[code] += 1
                if first_forms.words:
                    words = frozenset(first_forms.words)
                    background.first_sex.setdefault(words, Counter())[code] += 1
        return background

    def name_values(self) -> list[tuple[NameValue, int]]:
        """First and last name values pooled (swapped fields put either in either segment)."""
        pooled: Counter[NameValue] = Counter()
        for counter in (self.first, self.last):
            for forms, count in counter.items():
                pooled[name_value(forms)] += count
        return sorted(pooled.items(), key=lambda item: (-item[1], sorted(item[0].words)))

    def field_values(self, field_name: str) -> list[tuple[NameValue, int]]:
        counter = self.first if field_name == "first_name" else self.last
        merged: Counter[NameValue] = Counter()
        for forms, count in counter.items():
            merged[name_value(forms)] += count
        return sorted(merged.items(), key=lambda item: (-item[1], sorted(item[0].words)))


@dataclass(frozen=True)
class Guess:
    """What an attack says about one record; None where it says nothing."""

    first: Words | None = None
    last: Words | None = None
    sex: str | None = None
    birth_year: int | None = None


@dataclass(frozen=True)
class AttackResult:
    name: str
    guesses: tuple[Guess, ...]
    seconds: float
    details: dict[str, float] = field(default_factory=dict)


def merge_guesses(parts: Sequence[Sequence[Guess]]) -> list[Guess]:
    """Per record, the first attack part that says something about each field wins."""
    merged: list[Guess] = []
    for per_record in zip(*parts, strict=True):
        first = next((g.first for g in per_record if g.first is not None), None)
        last = next((g.last for g in per_record if g.last is not None), None)
        sex = next((g.sex for g in per_record if g.sex is not None), None)
        year = next((g.birth_year for g in per_record if g.birth_year is not None), None)
        merged.append(Guess(first, last, sex, year))
    return merged

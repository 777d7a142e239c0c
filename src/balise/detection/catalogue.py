"""The checklist's questions: the taxonomy's vulnerabilities and signs, with their rule weights.

The labels, help texts, groups and weights live in the data dictionary (``taxonomy/data``); this
module turns them into the rule's :class:`~balise.detection.rule.Indicator` definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from balise.detection.rule import Indicator, Recency
from balise.taxonomy.loader import Entry, Group, Vocabulary, vocabulary


@dataclass(frozen=True)
class Question:
    entry: Entry
    indicator: Indicator

    @property
    def code(self) -> str:
        return self.entry.code


@dataclass(frozen=True)
class Section:
    group: Group
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Catalogue:
    vulnerability_sections: tuple[Section, ...]
    sign_sections: tuple[Section, ...]
    indicators: Mapping[str, Indicator]
    entries: Mapping[str, Entry]
    sources: Mapping[str, Mapping[str, str]]

    @property
    def vulnerability_codes(self) -> list[str]:
        return [q.code for s in self.vulnerability_sections for q in s.questions]

    @property
    def sign_codes(self) -> list[str]:
        return [q.code for s in self.sign_sections for q in s.questions]

    def group_of(self, code: str) -> Group | None:
        entry = self.entries[code]
        kind = self.indicators[code].kind
        sections = self.vulnerability_sections if kind == "vulnerability" else self.sign_sections
        return next((s.group for s in sections if s.group.code == entry.group), None)


def _vulnerability(entry: Entry) -> Indicator:
    return Indicator(
        code=entry.code, kind="vulnerability", points={"present": int(entry.raw["weight"])}
    )


def _sign(entry: Entry) -> Indicator:
    weight: Mapping[str, Any] = entry.raw["weight"]
    return Indicator(
        code=entry.code,
        kind="sign",
        points={
            Recency.LAST_6_MONTHS.value: int(weight[Recency.LAST_6_MONTHS.value]),
            Recency.SIX_TO_12_MONTHS.value: int(weight[Recency.SIX_TO_12_MONTHS.value]),
        },
        significant=bool(entry.raw.get("significant", False)),
        immediate_danger=bool(entry.raw.get("immediate_danger", False)),
    )


def _sections(vocab: Vocabulary, make: Any) -> tuple[Section, ...]:
    sections = []
    for group, entries in vocab.grouped():
        if group is None:  # the detection vocabularies are always grouped
            raise ValueError(f"{vocab.name} must declare groups")
        sections.append(Section(group, tuple(Question(e, make(e)) for e in entries)))
    return tuple(s for s in sections if s.questions)


@cache
def load_catalogue(version: str | None = None) -> Catalogue:
    """The current (or given) dictionary version's checklist, cached per process."""
    vulnerabilities = vocabulary("vulnerabilities", version)
    signs = vocabulary("signs", version)
    overlap = vulnerabilities.codes() & signs.codes()
    if overlap:
        raise ValueError(f"codes used as both a vulnerability and a sign: {sorted(overlap)}")
    vulnerability_sections = _sections(vulnerabilities, _vulnerability)
    sign_sections = _sections(signs, _sign)
    questions = [q for s in (*vulnerability_sections, *sign_sections) for q in s.questions]
    sources = {
        str(s["id"]): s for vocab in (vulnerabilities, signs) for s in vocab.sources if "id" in s
    }
    return Catalogue(
        vulnerability_sections=vulnerability_sections,
        sign_sections=sign_sections,
        indicators={q.code: q.indicator for q in questions},
        entries={q.code: q.entry for q in questions},
        sources=sources,
    )

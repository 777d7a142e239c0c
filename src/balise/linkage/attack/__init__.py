"""Keyless attacks on stored encodings (issue 11): what a thief of the database can learn.

The attacker holds a stolen copy (record ids, encodings, situation facts), the public spec and
background name statistics; never the secret. Each attack returns one guess per record; the
suite runs them all. See docs/privacy.md, "Measured attacks".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from balise.linkage.attack.data import AttackResult, Background, Guess, StolenCopy
from balise.linkage.attack.dates import date_attack
from balise.linkage.attack.dense import dense_attack
from balise.linkage.attack.frequency import frequency_attack
from balise.linkage.attack.graph import graph_attack
from balise.linkage.attack.known import known_plaintext_attack
from balise.linkage.attack.patterns import pattern_attack
from balise.linkage.spec import Segment

__all__ = ["ATTACKS", "AttackResult", "Background", "Guess", "StolenCopy", "run_suite"]


def _frequency(copy: StolenCopy, background: Background) -> list[AttackResult]:
    started = time.perf_counter()
    guesses = frequency_attack(copy, background)
    return [AttackResult("frequency", tuple(guesses), time.perf_counter() - started)]


def _per_record(
    n: int, found: Sequence[tuple[int, Segment, frozenset[str] | None]]
) -> tuple[Guess, ...]:
    first: dict[int, frozenset[str] | None] = {}
    last: dict[int, frozenset[str] | None] = {}
    for record, segment, words in found:
        (first if segment.name.startswith("first") else last)[record] = words
    return tuple(Guess(first.get(i), last.get(i)) for i in range(n))


def _patterns(copy: StolenCopy, background: Background) -> list[AttackResult]:
    started = time.perf_counter()
    report = pattern_attack(copy, background)
    guesses = _per_record(len(copy), report.guesses)
    details = {"itemsets": float(report.itemsets), "labelled": float(report.labelled)}
    return [AttackResult("patterns", guesses, time.perf_counter() - started, details)]


def _graph(copy: StolenCopy, background: Background) -> list[AttackResult]:
    started = time.perf_counter()
    guesses = _per_record(len(copy), graph_attack(copy, background))
    return [AttackResult("graph matching", guesses, time.perf_counter() - started)]


def _dense(copy: StolenCopy, background: Background) -> list[AttackResult]:
    started = time.perf_counter()
    report = dense_attack(copy, background)
    guesses = _per_record(len(copy), report.guesses)
    details = {"features": float(report.features), "labelled": float(report.labelled)}
    return [AttackResult("correlation (ICA)", guesses, time.perf_counter() - started, details)]


def _known(copy: StolenCopy, background: Background) -> list[AttackResult]:
    started = time.perf_counter()
    guesses = tuple(known_plaintext_attack(copy, background))
    if not background.own_records:
        return []  # only a register holder has plaintext rows of the stolen copy
    return [AttackResult("known plaintext (own register)", guesses, time.perf_counter() - started)]


def _dates(copy: StolenCopy, background: Background) -> list[AttackResult]:
    del background  # the facts anchor the years; the background adds nothing here
    started = time.perf_counter()
    report = date_attack(copy)
    seconds = time.perf_counter() - started
    alone = tuple(
        Guess(sex=s, birth_year=y)
        for s, y in zip(report.sex_without_own_facts, report.year_without_own_facts, strict=True)
    )
    with_facts = tuple(
        Guess(sex=s, birth_year=y)
        for s, y in zip(report.sex_with_facts, report.year_with_facts, strict=True)
    )
    return [
        AttackResult("dates: encoding, others' facts", alone, seconds),
        AttackResult("dates: encoding and own facts", with_facts, seconds),
    ]


Attack = Callable[[StolenCopy, Background], list[AttackResult]]
ATTACKS: dict[str, Attack] = {
    "frequency": _frequency,
    "patterns": _patterns,
    "graph": _graph,
    "dense": _dense,
    "known": _known,
    "dates": _dates,
}


def run_suite(
    copy: StolenCopy, background: Background, names: Sequence[str] | None = None
) -> list[AttackResult]:
    results: list[AttackResult] = []
    for name in names or list(ATTACKS):
        results.extend(ATTACKS[name](copy, background))
    return results

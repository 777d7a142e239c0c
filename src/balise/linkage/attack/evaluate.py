"""Scoring attacks against the truth: names recovered per field and both, sex and birth year."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from balise.linkage.attack.data import (
    AttackResult,
    Facts,
    Guess,
    StolenCopy,
    distinct,
    name_segments,
)
from balise.linkage.attack.dense import token_features
from balise.linkage.attack.scenario import Truth
from balise.linkage.normalise import bigrams


@dataclass(frozen=True)
class Score:
    first: float  # share of all records whose first-name words were recovered exactly
    last: float
    both: float
    sex: float | None  # accuracy over records whose encoded sex is M or F, None if not guessed
    birth_year: float | None  # accuracy over records whose encoded date has a year


def _share(hits: Sequence[bool]) -> float:
    return sum(hits) / len(hits) if hits else 0.0


def hits(guesses: Sequence[Guess], truth: Truth) -> tuple[list[bool], list[bool]]:
    first = [
        g.first is not None and g.first == t for g, t in zip(guesses, truth.first, strict=True)
    ]
    last = [g.last is not None and g.last == t for g, t in zip(guesses, truth.last, strict=True)]
    return first, last


def score(guesses: Sequence[Guess], truth: Truth) -> Score:
    first, last = hits(guesses, truth)
    both = [a and b for a, b in zip(first, last, strict=True)]
    sexed = [i for i, s in enumerate(truth.sex) if s in ("M", "F")]
    dated = [i for i, y in enumerate(truth.birth_year) if y is not None]
    sex = (
        _share([guesses[i].sex == truth.sex[i] for i in sexed])
        if any(g.sex is not None for g in guesses)
        else None
    )
    year = (
        _share([guesses[i].birth_year == truth.birth_year[i] for i in dated])
        if any(g.birth_year is not None for g in guesses)
        else None
    )
    return Score(_share(first), _share(last), _share(both), sex, year)


def combined(results: Sequence[AttackResult], truth: Truth) -> Score:
    """Best per record: a field counts when any attack recovered it; both when one attack did."""
    per_attack = [hits(r.guesses, truth) for r in results]
    n = len(truth.first)
    first = [any(f[i] for f, _ in per_attack) for i in range(n)]
    last = [any(la[i] for _, la in per_attack) for i in range(n)]
    both = [any(f[i] and la[i] for f, la in per_attack) for i in range(n)]
    sexed = [i for i, s in enumerate(truth.sex) if s in ("M", "F")]
    dated = [i for i, y in enumerate(truth.birth_year) if y is not None]
    sex_hits = [any(r.guesses[i].sex == truth.sex[i] for r in results) for i in sexed]
    year_hits = [
        any(r.guesses[i].birth_year == truth.birth_year[i] for r in results) for i in dated
    ]
    return Score(_share(first), _share(last), _share(both), _share(sex_hits), _share(year_hits))


@dataclass(frozen=True)
class Baselines:
    """What needs no encoding: the majority class and the situation facts alone."""

    sex_base_rate: float
    sex_from_facts: float
    year_base_rate: float
    year_from_facts: float


def facts_year(facts: Facts) -> int | None:
    """The likelier birth year from age at detection and the detection month alone."""
    if facts.age_years is None:
        return None
    passed = facts.detection_month >= 7  # birthday more likely already passed that year
    return facts.detection_year - facts.age_years - (0 if passed else 1)


def baselines(facts: Sequence[Facts], truth: Truth) -> Baselines:
    sexed = [i for i, s in enumerate(truth.sex) if s in ("M", "F")]
    dated = [i for i, y in enumerate(truth.birth_year) if y is not None]
    sex_mode = Counter(truth.sex[i] for i in sexed).most_common(1)[0][0] if sexed else ""
    year_mode = Counter(truth.birth_year[i] for i in dated).most_common(1)[0][0] if dated else 0
    return Baselines(
        _share([truth.sex[i] == sex_mode for i in sexed]),
        _share([facts[i].gender == truth.sex[i] for i in sexed]),
        _share([truth.birth_year[i] == year_mode for i in dated]),
        _share([facts_year(facts[i]) == truth.birth_year[i] for i in dated]),
    )


def token_pattern_recovery(copy: StolenCopy, truth: Truth, top: int = 30) -> tuple[float, float]:
    """How well the correlation attack's directions single out the commonest bigrams: for each
    of the `top` bigrams most often held by the first-name and last-name values, the best
    Jaccard between the values holding it and the values one direction singles out; the mean.
    Returned with the same mean for the directions' minorities shuffled (chance level); 1.0
    means the bigram's pattern was recovered."""
    segments = name_segments(copy.spec)
    bits = copy.bits()
    stack = np.concatenate([bits[:, s.offset : s.offset + s.bits] for s in segments])
    found = distinct(stack)
    words: list[frozenset[str] | None] = [None] * len(found.values)
    per_record = [truth.first, truth.last][: len(segments)]
    for position, column in enumerate(per_record):
        for record, value in enumerate(column):
            row = int(found.inverse[position * len(copy) + record])
            words[row] = value
    rows = np.flatnonzero(found.values.any(axis=1))
    weights = np.bincount(found.inverse, minlength=len(found.values)).astype(np.float64)
    features = token_features(found.values[rows], weights[rows]).astype(bool)
    holders: dict[str, set[int]] = {}
    for i, row in enumerate(rows.tolist()):
        for word in words[row] or ():
            for gram in bigrams(word):
                holders.setdefault(gram, set()).add(i)
    commonest = sorted(holders, key=lambda g: (-len(holders[g]), g))[:top]
    if not commonest or not features.shape[1]:
        return 0.0, 0.0
    rng = np.random.default_rng(0)
    shuffled = np.stack([rng.permutation(column) for column in features.T], axis=1)
    means = []
    for candidate in (features, shuffled):
        best = []
        for gram in commonest:
            held = np.zeros(len(rows), dtype=bool)
            held[list(holders[gram])] = True
            inter = (candidate & held[:, None]).sum(axis=0)
            union = (candidate | held[:, None]).sum(axis=0)
            best.append(float((inter / np.maximum(union, 1)).max()))
        means.append(sum(best) / len(best))
    return means[0], means[1]

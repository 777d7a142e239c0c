"""Birth year and sex inference from the encodings, anchored with the situation facts.

Records whose date segments are alike (the same year sets the same year tokens in v1) are pooled,
and the ages at detection of the pool vote for the year: the facts give the year to within one,
the encoding ties records of one year together. Sex is read from the bits that go with the
recorded gender across other records (a ridge regression fitted on half, applied to the other
half) and from the recorded gender of other records with the same first-name segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from balise.linkage.attack.data import (
    Bits,
    Facts,
    StolenCopy,
    date_segment,
    distinct,
    name_segments,
)

Floats = npt.NDArray[np.float64]
NEIGHBOURS = 30
SHARPNESS = 8.0  # similarity exponent: near-identical segments dominate the vote
YEARS = np.arange(1990, 2031)


@dataclass(frozen=True)
class DateReport:
    year_with_facts: list[int | None]  # the record's own facts and the encoding
    year_without_own_facts: list[int | None]  # the encoding and other records' facts only
    sex_with_facts: list[str | None]
    sex_without_own_facts: list[str | None]


def year_likelihood(facts: Facts) -> Floats:
    """P(birth year | age at detection, detection month), birthdays spread over the year."""
    out = np.zeros(len(YEARS))
    if facts.age_years is None:
        return out
    passed = (facts.detection_month - 0.5) / 12.0
    latest = facts.detection_year - facts.age_years
    for year, p in ((latest, passed), (latest - 1, 1.0 - passed)):
        if YEARS[0] <= year <= YEARS[-1]:
            out[year - YEARS[0]] = p
    return out


def _dice_neighbours(values: Bits, k: int) -> tuple[npt.NDArray[np.int64], Floats]:
    x = values.astype(np.float32)
    sizes = x.sum(axis=1)
    k = min(k, len(x))
    index = np.zeros((len(x), k), dtype=np.int64)
    sims = np.zeros((len(x), k))
    for start in range(0, len(x), 512):
        inter = x[start : start + 512] @ x.T
        dice = 2 * inter / np.maximum(sizes[start : start + 512, None] + sizes[None, :], 1.0)
        top = np.argpartition(-dice, k - 1, axis=1)[:, :k]
        index[start : start + 512] = top
        sims[start : start + 512] = np.take_along_axis(dice, top, axis=1)
    return index, sims


def infer_years(copy: StolenCopy) -> tuple[list[int | None], list[int | None]]:
    segment = date_segment(copy.spec)
    n = len(copy)
    likelihood = np.stack([year_likelihood(f) for f in copy.facts])
    own = [int(YEARS[row.argmax()]) if row.any() else None for row in likelihood]
    if segment is None:
        return own, [None] * n
    found = distinct(copy.segment_bits(segment))
    empty: npt.NDArray[np.bool_] = np.asarray(~found.values.any(axis=1))
    pooled = np.zeros((len(found.values), len(YEARS)))
    np.add.at(pooled, found.inverse, likelihood)
    index, sims = _dice_neighbours(found.values, NEIGHBOURS)
    weights = sims**SHARPNESS
    votes = np.einsum("vk,vky->vy", weights, pooled[index])
    with_facts: list[int | None] = []
    without: list[int | None] = []
    for record in range(n):
        value = int(found.inverse[record])
        if empty[value]:
            with_facts.append(own[record])
            without.append(None)
            continue
        mine = votes[value]
        with_facts.append(int(YEARS[mine.argmax()]) if mine.any() else own[record])
        others = mine - weights[value][index[value] == value].sum() * likelihood[record]
        without.append(int(YEARS[others.argmax()]) if others.max() > 1e-9 else None)
    return with_facts, without


def _ridge_scores(x: Floats, y: Floats, known: npt.NDArray[np.bool_]) -> Floats:
    """Two-fold cross-fitted ridge regression: no record's own label reaches its score."""
    scores = np.zeros(len(x))
    folds = np.arange(len(x)) % 2
    for fold in (0, 1):
        train = known & (folds != fold)
        if train.sum() < 10:
            continue
        a = x[train]
        w = np.linalg.solve(a.T @ a + 10.0 * np.eye(a.shape[1]), a.T @ y[train])
        scores[folds == fold] = x[folds == fold] @ w
    return scores


def infer_sex(copy: StolenCopy) -> tuple[list[str | None], list[str | None]]:
    genders = [f.gender for f in copy.facts]
    y = np.array([1.0 if g == "M" else -1.0 if g == "F" else 0.0 for g in genders])
    known = y != 0
    bits = copy.bits().astype(np.float64) * 2.0 - 1.0
    scores = _ridge_scores(np.concatenate([bits, np.ones((len(bits), 1))], axis=1), y, known)
    first = next((s for s in name_segments(copy.spec) if s.name.startswith("first")), None)
    if first is not None:
        found = distinct(copy.segment_bits(first))
        sums = np.zeros(len(found.values))
        np.add.at(sums, found.inverse, y)
        others = sums[found.inverse] - y  # the other records with this first-name segment
        nonempty = np.asarray(found.values.any(axis=1))[found.inverse]
        scores = scores + np.where(nonempty, others, 0.0)
    without: list[str | None] = ["M" if s > 0 else "F" for s in scores]
    with_facts: list[str | None] = [g or w for g, w in zip(genders, without, strict=True)]
    return with_facts, without


def date_attack(copy: StolenCopy) -> DateReport:
    years, years_alone = infer_years(copy)
    sexes, sexes_alone = infer_sex(copy)
    return DateReport(years, years_alone, sexes, sexes_alone)


def accuracy(guesses: Sequence[object], truth: Sequence[object]) -> float:
    pairs = [(g, t) for g, t in zip(guesses, truth, strict=True) if t not in (None, "")]
    return sum(g == t for g, t in pairs) / len(pairs) if pairs else 0.0

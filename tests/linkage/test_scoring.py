"""Scoring read from the data: the twin share and the m probabilities (docs/linkage.md §3)."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest

from balise.linkage.encode import Encoder
from balise.linkage.kernels import score_pairs
from balise.linkage.scoring import (
    M_PRIOR,
    M_PRIOR_DENSE,
    ScoringParams,
    _poisson_lower,
    _poisson_upper,
    estimate_model,
    record_profile,
    twin_share,
    twin_share_range,
)
from balise.linkage.secret import NetworkSecret
from balise.linkage.spec import CURRENT
from balise.linkage.synthetic import make_records

ENCODER = Encoder(NetworkSecret(bytes(range(1, 33))))
PARAMS = ScoringParams()
FIRST = ("Lucas", "Emma", "Noah", "Louise", "Adam", "Lina", "Arthur", "Mila", "Jules", "Nora")
SYLLABLES = ("ka", "ro", "mi", "ten", "bel", "dor", "sa", "vu", "lin", "gra", "po", "zef")


def _words(identities: list[tuple[str, str, str, str]]) -> np.ndarray[Any, Any]:
    raw = b"".join(ENCODER.encode_bytes(*identity) for identity in identities)
    return np.frombuffer(raw, dtype=np.uint64).reshape(len(identities), -1).copy()


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2006, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _families(twins: bool, seed: int = 3) -> list[tuple[str, str, str, str]]:
    """Children with 1-3 records each; 60 same-surname same-date pairs of first names.

    With `twins`, each pair is two children each recorded 1-3 times; without, it is one child
    of whom a single record carries another first name (FEBRL's corruption)."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str]] = []
    for _ in range(600):
        first, last, date = rng.choice(FIRST), _surname(rng), _date(rng)
        rows += [(first, last, date, "")] * rng.choice((1, 2, 2, 3))
    for _ in range(60):
        last, date = _surname(rng), _date(rng)
        first, other = rng.sample(FIRST, 2)
        rows += [(first, last, date, "")] * rng.choice((2, 2, 3))
        rows += [(other, last, date, "")] * (rng.choice((1, 2, 2, 3)) if twins else 1)
    return rows


def test_the_poisson_bound_is_the_textbook_one() -> None:
    assert _poisson_upper(0, 0.9) == pytest.approx(-math.log(0.1), rel=1e-6)
    assert _poisson_upper(1, 0.9) == pytest.approx(3.8897, rel=1e-4)
    # lower bounds: half the chi-square quantile at 0.1 with 2k degrees of freedom
    assert _poisson_lower(0, 0.9) == 0.0
    assert _poisson_lower(1, 0.9) == pytest.approx(-math.log(0.9), rel=1e-6)
    assert _poisson_lower(5, 0.9) == pytest.approx(2.4326, rel=1e-4)


def test_the_twin_share_range_holds_the_share_the_clustering_uses() -> None:
    for twins in (True, False):
        words = _words(_families(twins=twins))
        profile = record_profile(words)
        low, high = twin_share_range(words, profile, PARAMS)
        assert PARAMS.twin_share_bounds[0] <= low <= high
        assert high == twin_share(words, profile, PARAMS)
        if twins:
            assert low >= 0.5  # twins recorded again and again leave little doubt
        else:
            assert low < high  # one-off first names: the data leave the share open
    words = _words(
        [("Sara", "Benali", "2012-07-14", "F"), ("Yasmine", "Benali", "2012-07-14", "F")]
    )
    bound = PARAMS.twin_share_bounds[1]
    assert twin_share_range(words, record_profile(words), PARAMS) == (bound, bound)


def test_twins_recorded_again_and_again_are_read_as_twins() -> None:
    words = _words(_families(twins=True))
    assert twin_share(words, record_profile(words), PARAMS) >= 0.9


def test_a_first_name_changed_in_one_record_is_read_as_one_child() -> None:
    words = _words(_families(twins=False))
    assert twin_share(words, record_profile(words), PARAMS) <= 0.5


def test_without_evidence_the_signature_means_twins() -> None:
    words = _words(
        [("Sara", "Benali", "2012-07-14", "F"), ("Yasmine", "Benali", "2012-07-14", "F")]
    )
    assert twin_share(words, record_profile(words), PARAMS) == PARAMS.twin_share_bounds[1]


def test_the_twin_cap_decides_the_signature_both_ways() -> None:
    for twins, linked in ((True, False), (False, True)):
        rows = _families(twins)
        words = _words(rows)
        profile = record_profile(words)
        model = estimate_model(words, profile)
        # the last family: its first record and its other-first-name record
        other = len(rows) - 1
        first = next(i for i in range(other) if rows[i][1:] == rows[other][1:])
        score = score_pairs(words, profile, np.array([first]), np.array([other]), model.weights)
        assert bool(score[0] >= model.threshold) == linked, (twins, score[0], model.threshold)


def test_m_stays_at_the_prior_on_a_handful_of_records() -> None:
    words = _words([("Sara", "Benali", "2012-07-14", "F"), ("Adam", "Peeters", "2015-02-20", "M")])
    model = estimate_model(words, record_profile(words))
    shares = model.m[:, :7] / model.m[:, :7].sum(axis=1, keepdims=True)
    prior = M_PRIOR_DENSE if CURRENT.dense else M_PRIOR
    assert np.allclose(shares, prior / prior.sum(axis=1, keepdims=True), atol=1e-9)


def test_m_follows_how_registers_record_one_child() -> None:
    """Records of one child whose first names are often replaced raise m(first name, 6)."""
    rng = random.Random(5)
    clean: list[tuple[str, str, str, str]] = []
    replaced: list[tuple[str, str, str, str]] = []
    for _ in range(800):
        first, last, date = rng.choice(FIRST), _surname(rng), _date(rng)
        clean += [(first, last, date, "")] * 2
        replaced += [(first, last, date, ""), (rng.choice(SYLLABLES) * 3, last, date, "")]
    low = estimate_model(_words(clean), record_profile(_words(clean))).m
    high = estimate_model(_words(replaced), record_profile(_words(replaced))).m
    assert high[0, 6] > 5 * low[0, 6]
    assert high[0, 6] > (M_PRIOR_DENSE if CURRENT.dense else M_PRIOR)[0, 6]


def test_m_on_generated_records_is_near_the_truth() -> None:
    records = make_records(1500, seed=11)
    words = _words([(r.first_name, r.last_name, r.birth_date, r.sex) for r in records])
    model = estimate_model(words, record_profile(words))
    exact = model.m[:, 0] / (1 - model.u[:, 7])
    assert 0.6 <= exact[0] <= 0.9  # measured: 0.76
    assert 0.6 <= exact[1] <= 0.9  # measured: 0.79
    # a different birth year is rare for one child (true share 0.015); namesakes, whose dates
    # recur apart, are left out of the estimate (about 0.10 on 5,000 children when they were not)
    date = model.m[2, :7] / model.m[2, :7].sum()
    assert date[5] <= 0.08  # measured: 0.053

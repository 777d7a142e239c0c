"""The compiled kernels equal the pure-Python twins."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from balise.linkage import twins
from balise.linkage.kernels import dice_all_pairs, engine_words, pair_score
from balise.linkage.scoring import estimate_model, record_profile
from balise.linkage.spec import SPEC_V1, SPEC_V2

rows = arrays(np.uint64, (6, 16), elements=st.integers(0, 2**64 - 1))
dense_rows = arrays(np.uint64, (6, 32), elements=st.integers(0, 2**64 - 1))


def _sparse(words: np.ndarray, seed: int) -> np.ndarray:
    # Bloom-filter-like density (about a quarter of the bits), so every level is reached.
    rng = np.random.default_rng(seed)
    mask = rng.integers(0, 2**64, size=words.shape, dtype=np.uint64)
    return words & mask & rng.integers(0, 2**64, size=words.shape, dtype=np.uint64)


@settings(max_examples=40, deadline=None)
@given(rows, st.integers(0, 1000))
def test_it_scores_pairs_like_the_reference(words: np.ndarray, seed: int) -> None:
    words = _sparse(words, seed)
    words[1] = words[0]  # identical
    words[2, :6], words[2, 6:12] = words[0, 6:12], words[0, :6]  # swapped names
    words[3, :6] = 0  # missing first name
    words[4, :12] = words[0, :12] & (words[4, :12] | np.uint64(0xFFFF0000FFFFFFFF))  # held in 0
    words[5, 1:6], words[5, 8:16] = words[0, 1:6], words[0, 8:16]  # names nearly those of 0
    _check_against_reference(engine_words(words, SPEC_V1), SPEC_V1, (0, 0))


def _check_against_reference(words: np.ndarray, spec, functions: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    profile = record_profile(words, spec)
    weights = estimate_model(words, profile).weights
    for i in range(len(words)):
        for j in range(len(words)):
            fast = pair_score(words, profile, i, j, weights)
            a, b = min(i, j), max(i, j)  # the kernel scores a pair in index order
            slow = twins.pair_score(
                words[a], words[b], profile[a, 3:], profile[b, 3:], weights, functions
            )
            assert abs(fast - slow) < 1e-9


@settings(max_examples=40, deadline=None)
@given(dense_rows, st.integers(0, 1000))
def test_it_scores_dense_pairs_like_the_reference(words: np.ndarray, seed: int) -> None:
    # spec v2: half-full segments; names of 1 and dates of 2 to 4 share parts with record 0
    words = words.copy()
    rng = np.random.default_rng(seed)
    words[1] = words[0]  # identical
    words[2, :12], words[2, 12:24] = words[0, 12:24], words[0, :12]  # swapped names
    words[3, :12] = 0  # missing first name
    words[3, 24:28] = words[0, 24:28]  # year and month of 0, another day
    words[4, 24:26] = words[0, 24:26]  # year of 0 ...
    words[4, 26:32] = 0  # ... and no month or day: a partial date
    words[5, 24:32] = 0  # no date
    flips = rng.integers(0, 2**64, size=(12,), dtype=np.uint64) & rng.integers(
        0, 2**64, size=(12,), dtype=np.uint64
    )
    words[1, :12] ^= flips & rng.integers(0, 2**64, size=(12,), dtype=np.uint64)  # a few flips
    _check_against_reference(words, SPEC_V2, (SPEC_V2.name_functions, SPEC_V2.date_functions))


@settings(max_examples=20, deadline=None)
@given(arrays(np.uint64, (8, 16), elements=st.integers(0, 2**64 - 1)), st.integers(0, 100))
def test_it_finds_all_pairs_like_the_reference(words: np.ndarray, seed: int) -> None:
    words = _sparse(words, seed)
    words[5] = words[2]
    left, right, value = dice_all_pairs(words, words, 0.3)
    found = {(int(i), int(j)): float(v) for i, j, v in zip(left, right, value, strict=True)}
    # a cap of one match per row sends most rows through the exact two-pass fallback
    capped = dice_all_pairs(words, words, 0.3, cap=1)
    assert set(zip(capped[0].tolist(), capped[1].tolist(), strict=True)) == set(found)
    for i in range(len(words)):
        for j in range(len(words)):
            d = twins.dice(words[i], words[j])
            assert ((i, j) in found) == (d >= 0.3)
            if (i, j) in found:
                assert abs(found[(i, j)] - d) < 1e-6


def test_it_scores_identical_records_as_agreeing_fully() -> None:
    words = engine_words(_sparse(np.full((3, 16), 2**64 - 1, dtype=np.uint64), 1), SPEC_V1)
    words[1] = words[0]
    profile = record_profile(words, SPEC_V1)
    weights = estimate_model(words, profile).weights
    assert twins.pair_levels(words[0], words[1]) == (0, 0, 0, 0)
    assert pair_score(words, profile, 0, 1, weights) > pair_score(words, profile, 0, 2, weights)
    assert twins.dice(words[0], words[1]) == 1.0

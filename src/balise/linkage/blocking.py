"""Candidate pairs by MinHash LSH on the encodings (no secret needed, docs/linkage.md §2).

Names are read swap-invariantly (first and last segments share positions, so their bit positions
are pooled) and two band families are unioned: names with the birth date (catches everything with
similar names and dates) and stronger name-only bands (catches missing or estimated dates).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from balise.linkage.kernels import D0, DATE_WORDS, F0, L0, NAME_WORDS, pair_score, popcount64

NAME_BITS = NAME_WORDS * 64
DATE_BITS = DATE_WORDS * 64
_EMPTY = np.iinfo(np.uint16).max  # MinHash of an empty segment (positions are < 384)


@dataclass(frozen=True)
class BlockingParams:
    name_date_bands: int = 20
    name_date_rows: tuple[int, int] = (4, 4)  # name minhashes, date minhashes per band
    name_bands: int = 24
    name_rows: int = 6
    date_bands: int = 12
    date_rows: tuple[int, int] = (2, 4)  # pooled-name minhashes, date minhashes per band
    single_name_bands: int = 10
    single_name_rows: int = 6
    max_group: int = 40  # bigger buckets are split by the other bands, not enumerated
    # (up to this many records, times the bands): smaller inputs get more bands in every
    # family, cheap there, bringing the recall lost against all-pairs scoring under 0.5%.
    band_factors: tuple[tuple[int, int], ...] = ((50_000, 8), (250_000, 4))
    single_name_max_group: int = 40
    seed: int = 20260101


@numba.njit(cache=True, nogil=True)
def _segment_minhash(row: Any, first_word: int, n_words: int, perm: Any, out: Any) -> None:
    for w in range(n_words):
        value = row[first_word + w]
        while value != 0:
            low = value & (~value + np.uint64(1))
            position = w * 64 + popcount64(low - np.uint64(1))
            for h in range(perm.shape[0]):
                p = perm[h, position]
                if p < out[h]:
                    out[h] = p
            value ^= low


@numba.njit(cache=True, nogil=True, parallel=True)
def _minhashes(words: Any, name_perm: Any, date_perm: Any) -> Any:
    """MinHashes of the first-name, last-name and date segments (names share permutations)."""
    n = words.shape[0]
    first = np.full((n, name_perm.shape[0]), _EMPTY, np.uint16)
    last = np.full((n, name_perm.shape[0]), _EMPTY, np.uint16)
    date = np.full((n, date_perm.shape[0]), _EMPTY, np.uint16)
    for i in numba.prange(n):
        _segment_minhash(words[i], F0, NAME_WORDS, name_perm, first[i])
        _segment_minhash(words[i], L0, NAME_WORDS, name_perm, last[i])
        _segment_minhash(words[i], D0, DATE_WORDS, date_perm, date[i])
    return first, last, date


def _band_key(columns: np.ndarray[Any, Any], band: int) -> np.ndarray[Any, Any]:
    """A 64-bit key per row from some minhash columns (multiply-xorshift mixing)."""
    key = np.full(columns.shape[0], np.uint64((band + 1) * 0x9E3779B97F4A7C15 % 2**64))
    for c in range(columns.shape[1]):
        key ^= columns[:, c].astype(np.uint64)
        key *= np.uint64(0xBF58476D1CE4E5B9)
        key ^= key >> np.uint64(31)
    return key


@numba.njit(cache=True, nogil=True)
def _group_pairs(
    order: Any,
    keys: Any,
    valid: Any,
    rows: Any,
    max_group: int,
    words: Any,
    profile: Any,
    weights: Any,
    threshold: float,
    scored: bool,
) -> Any:
    n = order.shape[0]
    total = 0
    start = 0
    while start < n:
        stop = start + 1
        while stop < n and keys[order[stop]] == keys[order[start]]:
            stop += 1
        size = stop - start
        if size > 1 and size <= max_group and valid[order[start]]:
            total += size * (size - 1) // 2
        start = stop
    out = np.empty(total, np.int64)
    at = 0
    start = 0
    while start < n:
        stop = start + 1
        while stop < n and keys[order[stop]] == keys[order[start]]:
            stop += 1
        size = stop - start
        if size > 1 and size <= max_group and valid[order[start]]:
            for a in range(start, stop):
                for b in range(a + 1, stop):
                    i = rows[order[a]]
                    j = rows[order[b]]
                    if i == j:
                        continue
                    if scored and pair_score(words, profile, i, j, weights) < threshold:
                        continue
                    if i < j:
                        out[at] = i * 4294967296 + j
                    else:
                        out[at] = j * 4294967296 + i
                    at += 1
        start = stop
    return out[:at], total


@dataclass(frozen=True)
class _Scorer:
    profile: np.ndarray[Any, Any]
    weights: np.ndarray[Any, Any]
    threshold: float


def candidate_pairs(
    words: np.ndarray[Any, Any], params: BlockingParams | None = None
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Distinct candidate pairs (i < j) of rows of `words` (n x 16 uint64)."""
    left, right, _ = _candidates(words, params or BlockingParams(), None)
    return left, right


def candidate_links(
    words: np.ndarray[Any, Any],
    profile: np.ndarray[Any, Any],
    weights: np.ndarray[Any, Any],
    threshold: float,
    params: BlockingParams | None = None,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], int]:
    """The candidate pairs that score at least `threshold`, and how many pairs were scored.

    Scoring inside each band, before the union, keeps memory to the links instead of the
    candidates (tens of millions at a million records); a pair met in several bands is
    scored again, which costs less than sorting and holding the full union.
    """
    return _candidates(words, params or BlockingParams(), _Scorer(profile, weights, threshold))


def _candidates(
    words: np.ndarray[Any, Any], params: BlockingParams, scorer: _Scorer | None
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], int]:
    n = len(words)
    factor = next((f for limit, f in params.band_factors if n <= limit), 1)
    if factor > 1:
        params = dataclasses.replace(
            params,
            name_date_bands=params.name_date_bands * factor,
            name_bands=params.name_bands * factor,
            single_name_bands=params.single_name_bands * factor,
            date_bands=params.date_bands * factor,
            band_factors=(),
        )
    rng = np.random.default_rng(params.seed)
    rn, rd = params.name_date_rows
    hn = max(
        params.name_date_bands * rn,
        params.name_bands * params.name_rows,
        params.single_name_bands * params.single_name_rows,
        1,
    )
    hd = max(params.name_date_bands * rd, params.date_bands * params.date_rows[1], 1)
    name_perm = np.stack([rng.permutation(NAME_BITS) for _ in range(hn)]).astype(np.uint16)
    date_perm = np.stack([rng.permutation(DATE_BITS) for _ in range(hd)]).astype(np.uint16)
    first, last, date = _minhashes(words, name_perm, date_perm)

    def both(columns: slice) -> np.ndarray[Any, Any]:
        """MinHash of the pooled name positions (swap-invariant), computed per band."""
        pooled: np.ndarray[Any, Any] = np.minimum(first[:, columns], last[:, columns])
        return pooled

    has_first = first[:, 0] != _EMPTY
    has_last = last[:, 0] != _EMPTY
    has_date = date[:, 0] != _EMPTY
    rows = np.concatenate([np.arange(n), np.arange(n)])
    pn, pd = params.date_rows
    evaluated = [0]

    def _pairs_of(
        keys: np.ndarray[Any, Any],
        valid: np.ndarray[Any, Any],
        rows: np.ndarray[Any, Any],
        max_group: int,
    ) -> np.ndarray[Any, Any]:
        masked = np.where(valid, keys, np.uint64(0))
        order = np.argsort(masked, kind="stable")
        if scorer is None:
            profile, weights, threshold = _NO_PROFILE, _NO_WEIGHTS, -np.inf
        else:
            profile, weights, threshold = scorer.profile, scorer.weights, scorer.threshold
        pairs, total = _group_pairs(
            order, masked, valid, rows, max_group, words, profile, weights, threshold,
            scorer is not None,
        )  # fmt: skip
        evaluated[0] += int(total)
        return _sorted_unique(pairs)

    rs = params.single_name_rows

    def name_date_band(band: int) -> np.ndarray[Any, Any]:
        # Family 1: either name (first or last, so swaps and a missing first name still meet)
        # with the birth date; every record enters each band twice.
        names = slice(band * rn, (band + 1) * rn)
        dates = date[:, band * rd : (band + 1) * rd]
        keys = np.concatenate(
            [
                _band_key(np.concatenate([first[:, names], dates], axis=1), band),
                _band_key(np.concatenate([last[:, names], dates], axis=1), band),
            ]
        )
        valid = np.concatenate([has_first & has_date, has_last & has_date])
        return _pairs_of(keys, valid, rows, params.max_group)

    def names_band(band: int) -> np.ndarray[Any, Any]:
        # Family 2: both names together, stronger, for missing or estimated birth dates.
        cols = both(slice(band * params.name_rows, (band + 1) * params.name_rows))
        valid = has_first | has_last
        return _pairs_of(_band_key(cols, 1000 + band), valid, rows[:n], params.max_group)

    def single_name_band(band: int) -> np.ndarray[Any, Any]:
        # Family 3: one name alone (either segment, so swaps meet), for names not common.
        names = slice(band * rs, (band + 1) * rs)
        keys = np.concatenate(
            [_band_key(first[:, names], 2000 + band), _band_key(last[:, names], 2000 + band)]
        )
        valid = np.concatenate([has_first, has_last])
        return _pairs_of(keys, valid, rows, params.single_name_max_group)

    def date_band(band: int) -> np.ndarray[Any, Any]:
        # Family 4: the birth date with loosely similar names (both names damaged, date intact).
        cols = np.concatenate(
            [
                both(slice(band * pn, (band + 1) * pn)),
                date[:, hd - (band + 1) * pd : hd - band * pd],
            ],
            axis=1,
        )
        valid = (has_first | has_last) & has_date
        return _pairs_of(_band_key(cols, 3000 + band), valid, rows[:n], params.max_group)

    jobs: list[tuple[Callable[[int], np.ndarray[Any, Any]], int]] = [
        *((name_date_band, b) for b in range(params.name_date_bands)),
        *((names_band, b) for b in range(params.name_bands)),
        *((single_name_band, b) for b in range(params.single_name_bands)),
        *((date_band, b) for b in range(params.date_bands)),
    ]
    # Sorting and the compiled grouping release the GIL: bands run in parallel threads.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        merged = np.empty(0, np.int64)
        pending: list[np.ndarray[Any, Any]] = []
        pending_size = 0
        # Bands overlap heavily (a true pair turns up in most of them): fold them into the
        # running union whenever they add up, so memory follows the union, not the sum.
        for chunk in pool.map(lambda job: job[0](job[1]), jobs):
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size > max(len(merged), 4 * n):
                merged = _sorted_unique(np.concatenate([merged, *pending]))
                pending, pending_size = [], 0
        merged = _sorted_unique(np.concatenate([merged, *pending]))
    return merged >> 32, merged & 0xFFFFFFFF, evaluated[0]


_NO_PROFILE = np.zeros((1, 7))
_NO_WEIGHTS = np.zeros((5, 8))


def _sorted_unique(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """np.unique by sorting (numpy's hash-based unique is far slower on tens of millions)."""
    values = np.sort(values, kind="stable")
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]

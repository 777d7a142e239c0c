"""Candidate pairs by MinHash LSH on the encodings (no secret needed, docs/linkage.md §2).

Names are read swap-invariantly (first and last segments share positions, so their bit positions
are pooled) and two band families are unioned: names with the birth date (catches everything with
similar names and dates) and stronger name-only bands (catches missing or estimated dates).
"""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from balise.linkage.kernels import (
    D0,
    DATE,
    DATE_WORDS,
    F0,
    FIRST,
    L0,
    LAST,
    NAME_WORDS,
    PROFILE_COLUMNS,
    PROFILE_FUNCTIONS,
    Profile,
    Weights,
    Words,
    pair_score,
    popcount64,
    segment_counts,
)
from balise.linkage.spec import CURRENT, EncodingSpec

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
    sampled_bits: int = 3  # spec v2: bits of a segment packed in one band column
    # (up to this many records, times the bands): smaller inputs get more bands in every
    # family, cheap there, bringing the recall lost against all-pairs scoring under 0.5%.
    band_factors: tuple[tuple[int, int], ...] = ((50_000, 8), (250_000, 4), (1_000_000, 2))
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


@numba.njit(cache=True, nogil=True)
def _sampled_bits(words: Any, first_word: int, perm: Any, per_column: int) -> Any:
    """Spec v2 (dense segments): each column packs `per_column` bits of the segment taken at
    fixed public positions (the first ones of a permutation): bit-sampling LSH for Hamming
    distance, where MinHash on half-full segments would hardly tell values apart."""
    n = words.shape[0]
    out = np.zeros((n, perm.shape[0]), np.uint16)
    for i in range(n):
        for h in range(perm.shape[0]):
            value = 0
            for k in range(per_column):
                position = perm[h, k]
                word = words[i, first_word + position // 64]
                value = (value << 1) | int((word >> np.uint64(63 - position % 64)) & np.uint64(1))
            out[i, h] = value
    return out


@numba.njit(cache=True, nogil=True)
def _minhashes(words: Any, first_word: int, n_words: int, perm: Any) -> Any:
    """MinHashes of one segment for the given permutations (a band's columns only: computing
    them band by band keeps memory to one band's columns per thread, not all of them)."""
    n = words.shape[0]
    out = np.full((n, perm.shape[0]), _EMPTY, np.uint16)
    for i in range(n):
        _segment_minhash(words[i], first_word, n_words, perm, out[i])
    return out


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
    profile: Profile
    weights: Weights
    threshold: float


def candidate_pairs(
    words: Words, params: BlockingParams | None = None, spec: EncodingSpec = CURRENT
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Distinct candidate pairs (i < j) of rows of `words` (the engine's layout) of `spec`."""
    left, right, _ = _candidates(words, params or BlockingParams(), None, int(spec.dense))
    return left, right


def candidate_links(
    words: Words,
    profile: Profile,
    weights: Weights,
    threshold: float,
    params: BlockingParams | None = None,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], int]:
    """The candidate pairs that score at least `threshold`, and how many pairs were scored.

    Scoring inside each band, before the union, keeps memory to the links instead of the
    candidates (tens of millions at a million records); a pair met in several bands is
    scored again, which costs less than sorting and holding the full union.
    """
    functions = int(profile[0, PROFILE_FUNCTIONS]) if len(profile) else 0
    scorer = _Scorer(profile, weights, threshold)
    return _candidates(words, params or BlockingParams(), scorer, functions)


def _candidates(
    words: Words, params: BlockingParams, scorer: _Scorer | None, functions: int
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
    pn, pd = params.date_rows
    # Name MinHash columns come in chunks of `width` (a pooled-names band): the other families
    # take theirs from the same chunks, so each column is computed once.
    width = params.name_rows
    if rn > width or params.single_name_rows > width or width % pn:
        raise ValueError("name rows of every family must fit in one pooled-names band")
    per_chunk = width // pn
    chunks = max(
        params.name_bands,
        params.name_date_bands,
        params.single_name_bands,
        -(-params.date_bands // per_chunk),
    )
    hn = max(chunks * width, 1)
    hd = max(params.name_date_bands * rd, params.date_bands * params.date_rows[1], 1)
    name_perm = np.stack([rng.permutation(NAME_BITS) for _ in range(hn)]).astype(np.uint16)
    date_perm = np.stack([rng.permutation(DATE_BITS) for _ in range(hd)]).astype(np.uint16)

    def _minhashes_of(first_word: int, columns: slice) -> np.ndarray[Any, Any]:
        if functions:
            return _sampled_bits(words, first_word, name_perm[columns], params.sampled_bits)  # type: ignore[no-any-return]
        return _minhashes(words, first_word, NAME_WORDS, name_perm[columns])  # type: ignore[no-any-return]

    def date(columns: slice) -> np.ndarray[Any, Any]:
        if functions:
            return _sampled_bits(words, D0, date_perm[columns], params.sampled_bits)  # type: ignore[no-any-return]
        return _minhashes(words, D0, DATE_WORDS, date_perm[columns])  # type: ignore[no-any-return]

    counts = segment_counts(words)
    has_first, has_last, has_date = (counts[:, f] > 0 for f in (FIRST, LAST, DATE))
    rows = np.concatenate([np.arange(n), np.arange(n)])
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

    def name_date_band(band: int, first: Any, last: Any) -> np.ndarray[Any, Any]:
        # Family 1: either name (first or last, so swaps and a missing first name still meet)
        # with the birth date; every record enters each band twice.
        dates = date(slice(band * rd, (band + 1) * rd))
        keys = np.concatenate(
            [
                _band_key(np.concatenate([first, dates], axis=1), band),
                _band_key(np.concatenate([last, dates], axis=1), band),
            ]
        )
        valid = np.concatenate([has_first & has_date, has_last & has_date])
        return _pairs_of(keys, valid, rows, params.max_group)

    def names_band(band: int, pooled: Any) -> np.ndarray[Any, Any]:
        # Family 2: both names together, stronger, for missing or estimated birth dates.
        valid = has_first | has_last
        return _pairs_of(_band_key(pooled, 1000 + band), valid, rows[:n], params.max_group)

    def single_name_band(band: int, first: Any, last: Any) -> np.ndarray[Any, Any]:
        # Family 3: one name alone (either segment, so swaps meet), for names not common.
        keys = np.concatenate([_band_key(first, 2000 + band), _band_key(last, 2000 + band)])
        valid = np.concatenate([has_first, has_last])
        return _pairs_of(keys, valid, rows, params.single_name_max_group)

    def date_band(band: int, pooled: Any) -> np.ndarray[Any, Any]:
        # Family 4: the birth date with loosely similar names (both names damaged, date intact).
        cols = np.concatenate([pooled, date(slice(hd - (band + 1) * pd, hd - band * pd))], axis=1)
        valid = (has_first | has_last) & has_date
        return _pairs_of(_band_key(cols, 3000 + band), valid, rows[:n], params.max_group)

    def chunk(index: int) -> np.ndarray[Any, Any]:
        """Every band that draws its name MinHashes from columns [index * width, + width):
        each column is computed once, by one thread, and dropped after use."""
        columns = slice(index * width, (index + 1) * width)
        first, last = _minhashes_of(F0, columns), _minhashes_of(L0, columns)
        pooled = np.minimum(first, last)
        found = []
        if index < params.name_bands:
            found.append(names_band(index, pooled))
        if index < params.name_date_bands:
            found.append(name_date_band(index, first[:, :rn], last[:, :rn]))
        if index < params.single_name_bands:
            found.append(single_name_band(index, first[:, :rs], last[:, :rs]))
        for band in range(index * per_chunk, min((index + 1) * per_chunk, params.date_bands)):
            at = (band - index * per_chunk) * pn
            found.append(date_band(band, pooled[:, at : at + pn]))
        return _sorted_unique(np.concatenate(found))

    # Sorting and the compiled grouping release the GIL: bands run in parallel threads.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        merged = np.empty(0, np.int64)
        pending: list[np.ndarray[Any, Any]] = []
        pending_size = 0
        # Bands overlap heavily (a true pair turns up in most of them): fold them into the
        # running union whenever they add up, so memory follows the union, not the sum.
        for found in pool.map(chunk, range(chunks)):
            pending.append(found)
            pending_size += len(found)
            if pending_size > max(len(merged), 4 * n):
                merged = _sorted_unique(np.concatenate([merged, *pending]))
                pending, pending_size = [], 0
        merged = _sorted_unique(np.concatenate([merged, *pending]))
    return merged >> 32, merged & 0xFFFFFFFF, evaluated[0]


_NO_PROFILE = np.zeros((1, PROFILE_COLUMNS))
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

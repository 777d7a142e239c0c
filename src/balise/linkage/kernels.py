"""Compiled similarity kernels on encodings held as rows of 64-bit words (numba, POPCNT).

`balise.linkage.twins` holds the slow pure-Python twins of these functions; the property
tests check that both agree. Layout: spec v2's, words 0-11 first names, 12-23 last name, 24-31
date (`engine_words` pads spec v1's 6 + 6 + 4 words into it). Spec v1 segments are Bloom
filters compared by Dice; spec v2 segments are keyed majority votes compared by Hamming
distance, read back as the cosine similarity of the two values' weighted tokens
(`dense_similarity`); the profile's columns `PROFILE_FUNCTIONS` say which.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final, TypeAlias, cast

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

from balise.linkage.spec import SPEC_V1, SPEC_V2, WORD_BITS, EncodingSpec

# One word layout, spec v2's, for every spec version: a v1 row is padded with zero words (which
# change no popcount), so one set of compiled kernels reads them all.
ENGINE: Final = SPEC_V2
F0 = ENGINE.segment("first_name").offset // WORD_BITS
L0 = ENGINE.segment("last_name").offset // WORD_BITS
D0 = ENGINE.date_segment.offset // WORD_BITS
NAME_WORDS = ENGINE.segment("first_name").bits // WORD_BITS
DATE_WORDS = ENGINE.date_segment.bits // WORD_BITS
ENGINE_WORDS = ENGINE.total_words
NAME_BITS = NAME_WORDS * WORD_BITS
DATE_BITS = DATE_WORDS * WORD_BITS
# A date segment with no more set bits than the sex token holds no date (spec v1).
SEX_BITS = SPEC_V1.k("sex")
# Encodings in the engine's layout: one row of ENGINE_WORDS 64-bit words per record.
Words: TypeAlias = "np.ndarray[Any, np.dtype[np.uint64]]"
# One row of PROFILE_COLUMNS floats per record (scoring.record_profile), and the WEIGHT_ROWS x
# LEVELS table of a scoring model (scoring.estimate_model); their columns and rows are named below.
Profile: TypeAlias = "np.ndarray[Any, np.dtype[np.float64]]"
Weights: TypeAlias = "np.ndarray[Any, np.dtype[np.float64]]"

# Fields, in the order of the segments, of the rows of `weights` and of `pair_levels`' result.
FIRST = 0
LAST = 1
DATE = 2
FIELDS = 3
SWAPPED = 3  # pair_levels' fourth value: 1 when the names agree best crossed

# Record profile columns: set bits of field f's segment at PROFILE_BITS + f; information
# (-log2 relative frequency) of field f's value at PROFILE_INFO + f and of the pair of names at
# PROFILE_PAIR_INFO; the number of majority functions of the records' spec for names and for the
# date (0: a Bloom filter, compared by Dice).
PROFILE_BITS = 0
PROFILE_INFO = 3
PROFILE_DATE_INFO = PROFILE_INFO + DATE
PROFILE_PAIR_INFO = 6
PROFILE_FUNCTIONS = 7
PROFILE_DATE_FUNCTIONS = 8
PROFILE_COLUMNS = 9

# Scoring weights (scoring.estimate_model): rows FIRST, LAST, DATE hold each field's weight by
# agreement level (level 0: log2 m, the value's frequency supplies u); row CONSTANTS holds the
# model's constants in the columns named below; row NEAR_NAMES holds log2 m of the names at
# levels 1 to NEAR_LEVELS, field f's level l in column NEAR_LEVELS * f + l - 1 (`near_column`).
CONSTANTS = 3
NEAR_NAMES = 4
WEIGHT_ROWS = 5
SWAP_PENALTY = 0  # bits taken off when names only agree crossed
TWIN_CAP = 1  # the most a twin-signature pair scores
INFORMATION_CAP = 2  # the rarest value counts as at most this many bits
COMMON_DATE_INFORMATION = 3  # a date less informative than this is a common (estimated) one
COMMON_DATE_FACTOR = 4  # ... whose disagreement counts for this share only
DOUBLE_DAMAGE_PENALTY = 5  # bits taken off when a name and the date are both damaged
NEAR_LEVELS = 3
# A date segment inside another and holding this share of its bits lacks only the sex.
SAME_DATE = 0.85

# Agreement levels (docs/linkage.md): 0 best ... 6 worst, 7 missing.
LEVELS = 8
MISSING = 7
# Spec v2 names: the similarity (`dense_similarity`) from which each of levels 0-5 starts. The
# lower cuts follow where one child's mistyped names stop outnumbering unrelated names on the
# tuning sets (generator A; docs/linkage.md, "Spec v2 and the count"): level 6 holds what is
# read as unrelated, level 5 the zone where a short mistyped name and two different names meet.
DENSE_NAME_CUTS = (0.9, 0.8, 0.65, 0.55, 0.48, 0.38)
# The twin signature (first names clearly different, surname and date agree) starts at this
# first-name level: 5 for spec v1's Dice levels, 6 for spec v2 (its level 5 is still within
# reach of a typo).
TWIN_LEVEL_BLOOM = 5
TWIN_LEVEL_DENSE = 6


def _ctpop(typingctx: Any, x: Any) -> Any:
    """LLVM's ctpop: one POPCNT instruction on x86-64."""
    sig = types.uint64(types.uint64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.ctpop(args[0])

    return sig, codegen


# Typed for mypy as what it is inside compiled code (numba's stubs type an intrinsic as taking
# the typing context too).
popcount64 = cast(Callable[[Any], int], intrinsic(_ctpop))


_jit = numba.njit(cache=True, nogil=True)
_pjit = numba.njit(cache=True, nogil=True, parallel=True)
# fastmath lets LLVM vectorise the popcount reductions; only the final Dice comparison is float.
_fast_pjit = numba.njit(cache=True, nogil=True, parallel=True, fastmath=True)


def engine_words(rows: np.ndarray[Any, Any], spec: EncodingSpec) -> Words:
    """Rows of `spec`'s words (n x spec.total_words uint64) in the engine's layout."""
    rows = np.ascontiguousarray(rows, dtype=np.uint64).reshape(-1, spec.total_words)
    if spec.total_words == ENGINE_WORDS and all(
        (s.offset, s.bits) == (e.offset, e.bits)
        for s, e in zip(spec.segments, ENGINE.segments, strict=True)
    ):
        return rows
    out = np.zeros((len(rows), ENGINE_WORDS), np.uint64)
    for segment, target in zip(spec.segments, ENGINE.segments, strict=True):
        if segment.bits > target.bits:
            raise ValueError(f"segment {segment.name} of spec v{spec.version} is too long")
        start, width = segment.offset // WORD_BITS, segment.bits // WORD_BITS
        at = target.offset // WORD_BITS
        out[:, at : at + width] = rows[:, start : start + width]
    return out


@_jit
def _count(x: Any, start: int, stop: int) -> int:
    total = 0
    for k in range(start, stop):
        total += popcount64(x[k])
    return total


@_jit
def _count_and(x: Any, xs: int, y: Any, ys: int, width: int) -> int:
    total = 0
    for k in range(width):
        total += popcount64(x[xs + k] & y[ys + k])
    return total


@_pjit
def segment_counts(words: Any) -> Any:
    """Set bits per record and segment: columns first, last, date."""
    n = words.shape[0]
    out = np.zeros((n, FIELDS), np.int32)
    for i in numba.prange(n):
        out[i, FIRST] = _count(words[i], F0, F0 + NAME_WORDS)
        out[i, LAST] = _count(words[i], L0, L0 + NAME_WORDS)
        out[i, DATE] = _count(words[i], D0, D0 + DATE_WORDS)
    return out


@_pjit
def popcounts(words: Any) -> Any:
    n = words.shape[0]
    out = np.zeros(n, np.int32)
    for i in numba.prange(n):
        out[i] = _count(words[i], 0, words.shape[1])
    return out


@_jit
def dense_similarity(c: int, na: int, nb: int, bits: int, functions: int) -> float:
    """The cosine similarity of two values' weighted tokens, read from their v2 segments.

    A keyed majority bit differs with probability p = angle / pi (SimHash); the XOR of H
    independent ones differs with probability (1 - (1 - 2p)**H) / 2, which is inverted here.
    """
    return hamming_similarity(na + nb - 2 * c, bits, functions)


@_jit
def hamming_similarity(hamming: int, bits: int, functions: int) -> float:
    """`dense_similarity` from the number of differing bits among `bits`."""
    q = 1.0 - 2.0 * hamming / bits
    if q <= 0.0:
        return 0.0
    return math.cos(math.pi * (1.0 - q ** (1.0 / functions)) / 2.0)


@_jit
def _dense_level(
    similarity: float, c0: float, c1: float, c2: float, c3: float, c4: float, c5: float
) -> int:
    if similarity >= c0:
        return 0
    if similarity >= c1:
        return 1
    if similarity >= c2:
        return 2
    if similarity >= c3:
        return 3
    if similarity >= c4:
        return 4
    if similarity >= c5:
        return 5
    return 6


@_jit
def name_level(c: int, na: int, nb: int, functions: int) -> int:
    if na == 0 or nb == 0:
        return MISSING
    if functions > 0:
        similarity = dense_similarity(c, na, nb, NAME_BITS, functions)
        c0, c1, c2, c3, c4, c5 = DENSE_NAME_CUTS
        return _dense_level(similarity, c0, c1, c2, c3, c4, c5)
    dice = 2.0 * c / (na + nb)
    if dice >= 0.9:
        return 0
    if c >= 0.9 * min(na, nb):
        return 1
    if dice >= 0.75:
        return 2
    if dice >= 0.6:
        return 3
    if dice >= 0.45:
        return 4
    if dice >= 0.3:
        return 5
    return 6


# Spec v2 date parts (words from D0): year, month, day; checked against the spec below.
DATE_PARTS = ((0, 2), (2, 2), (4, 4))
assert tuple(p.bits for p in ENGINE.date_segment.parts) == tuple(w * 64 for _, w in DATE_PARTS)


@_jit
def dense_date_level(x: Any, y: Any, functions: int) -> int:
    """Spec v2 dates: 0 when every part both dates have is identical and neither has a part the
    other lacks; 1 when the parts both have are identical and one date is partial (a subset, as
    in v1); else 2-6 by the similarity of the parts both have."""
    hamming = 0
    bits = 0
    identical = True
    partial = False
    for start, width in DATE_PARTS:
        na = _count(x, D0 + start, D0 + start + width)
        nb = _count(y, D0 + start, D0 + start + width)
        if na == 0 and nb == 0:
            continue
        if na == 0 or nb == 0:
            partial = True
            continue
        differing = na + nb - 2 * _count_and(x, D0 + start, y, D0 + start, width)
        identical = identical and differing == 0
        hamming += differing
        bits += width * 64
    if bits == 0:
        return MISSING
    if identical:
        return 1 if partial else 0
    similarity = hamming_similarity(hamming, bits, functions)
    return _dense_level(similarity, 2.0, 2.0, 0.48, 0.38, 0.25, 0.12)


@_jit
def date_level(c: int, na: int, nb: int) -> int:
    """Spec v1 dates (Bloom filters, Dice); spec v2 dates go through `dense_date_level`."""
    if na <= SEX_BITS or nb <= SEX_BITS:
        return MISSING  # no date (at most the bits of the sex token): nothing to compare
    dice = 2.0 * c / (na + nb)
    if dice >= 0.95:
        return 0
    if c >= 0.9 * min(na, nb):
        return 1
    if dice >= 0.65:
        return 2
    if dice >= 0.5:
        return 3
    if dice >= 0.35:
        return 4
    if dice >= 0.15:
        return 5
    return 6


@_jit
def _rank(level: int) -> float:
    return 7.0 if level == MISSING else float(level)  # a missing name explains nothing


@_jit
def pair_levels(words: Any, profile: Any, i: int, j: int) -> Any:
    """(first, last, date, swapped): names compared straight or crossed, whichever agrees best."""
    x = words[i]
    y = words[j]
    pi = profile[i]
    pj = profile[j]
    na_f, na_l = int(pi[PROFILE_BITS + FIRST]), int(pi[PROFILE_BITS + LAST])
    nb_f, nb_l = int(pj[PROFILE_BITS + FIRST]), int(pj[PROFILE_BITS + LAST])
    h = int(pi[PROFILE_FUNCTIONS])  # both records are of one spec version
    hd = int(pi[PROFILE_DATE_FUNCTIONS])
    ff = name_level(_count_and(x, F0, y, F0, NAME_WORDS), na_f, nb_f, h)
    ll = name_level(_count_and(x, L0, y, L0, NAME_WORDS), na_l, nb_l, h)
    if hd > 0:
        dd = dense_date_level(x, y, hd)
    else:
        dd = date_level(
            _count_and(x, D0, y, D0, DATE_WORDS),
            int(pi[PROFILE_BITS + DATE]),
            int(pj[PROFILE_BITS + DATE]),
        )
    fl = name_level(_count_and(x, F0, y, L0, NAME_WORDS), na_f, nb_l, h)
    lf = name_level(_count_and(x, L0, y, F0, NAME_WORDS), na_l, nb_f, h)
    if _rank(fl) + _rank(lf) < _rank(ff) + _rank(ll):
        return fl, lf, dd, 1
    return ff, ll, dd, 0


@_jit
def near_column(field: int, level: int) -> int:
    """The column of row NEAR_NAMES of the weights that holds `field`'s log2 m at `level`."""
    return NEAR_LEVELS * field + level - 1


@_jit
def pair_score(words: Any, profile: Any, i: int, j: int, weights: Any) -> float:
    """Swap-aware Fellegi-Sunter score in bits (docs/linkage.md §3).

    `profile`: the records' profile rows (columns PROFILE_*); `weights`: the model's table
    (rows FIRST, LAST, DATE by level, CONSTANTS and NEAR_NAMES; see their definitions above).
    """
    # crossed names weigh one record's first name as a first name: fix the order
    a: Any = np.int64(i)
    b: Any = np.int64(j)
    if a > b:
        a, b = b, a
    first, last, date, swapped = pair_levels(words, profile, a, b)
    levels = (first, last, date)
    pi = profile[a]
    pj = profile[b]
    cap = weights[CONSTANTS, INFORMATION_CAP]
    total = 0.0
    names = 0.0  # what the two names add
    for f in range(FIELDS):
        level = levels[f]
        before = total
        if level == 0:
            # the crossed comparison pairs i's first name with j's last name and vice versa
            fj = f
            if swapped == 1 and f < DATE:
                fj = LAST - f
            total += weights[f, 0] + min(pi[PROFILE_INFO + f], pj[PROFILE_INFO + fj], cap)
        elif f < DATE and 1 <= level <= NEAR_LEVELS:
            # Names that nearly agree say at most how rare the name they share is: the shorter
            # one when one holds the other (a dropped given name or particle), else the
            # commoner one (two spellings of "Peeters" are no rarer than "Peeters").
            fj = f
            if swapped == 1:
                fj = LAST - f
            if level == 1 and pi[PROFILE_FUNCTIONS] == 0:
                # v1: a subset, so the record with fewer bits holds the shorter name (v2 bits
                # do not say which is shorter: the commoner bounds it, as for levels 2-3)
                if pi[PROFILE_BITS + f] <= pj[PROFILE_BITS + fj]:
                    held = pi[PROFILE_INFO + f]
                else:
                    held = pj[PROFILE_INFO + fj]
            else:
                held = min(pi[PROFILE_INFO + f], pj[PROFILE_INFO + fj])
            bound = weights[NEAR_NAMES, near_column(f, level)] + min(held, cap)
            total += min(weights[f, level], bound)
        elif (
            f == DATE
            and level != MISSING
            and min(pi[PROFILE_DATE_INFO], pj[PROFILE_DATE_INFO])
            < weights[CONSTANTS, COMMON_DATE_INFORMATION]
        ):
            # one birth date is a common value (1 January of an estimated year): a
            # disagreement says less than between two dates that were really known
            total += weights[f, level] * weights[CONSTANTS, COMMON_DATE_FACTOR]
        else:
            total += weights[f, level]
        if f < DATE:
            names += total - before
    if first == 0 and last == 0:
        # both names agree: together they say at most how rare the pair they form is (a
        # first and a last name of one origin often go together)
        pair_info = min(pi[PROFILE_PAIR_INFO], pj[PROFILE_PAIR_INFO])
        ceiling = weights[FIRST, 0] + weights[LAST, 0] + pair_info
        if names > ceiling:
            total -= names - ceiling
    if swapped == 1:
        total -= weights[CONSTANTS, SWAP_PENALTY]
    # A damaged name and a damaged date together: more often two different children with
    # similar identities than one child's record corrupted twice (independence overcounts it).
    if 2 <= date < MISSING and (2 <= first < MISSING or 2 <= last < MISSING):
        total -= weights[CONSTANTS, DOUBLE_DAMAGE_PENALTY]
    # Twins: same surname and birth date, first names both present and clearly different.
    # Such a pair is worth no more than the odds, measured on the data, that the pattern is one
    # child rather than twins (scoring.twin_share).
    twin_level = TWIN_LEVEL_DENSE if pi[PROFILE_FUNCTIONS] > 0 else TWIN_LEVEL_BLOOM
    if swapped == 0 and first >= twin_level and first != MISSING and last <= 1 and date <= 1:
        total = min(total, weights[CONSTANTS, TWIN_CAP])
    return total


@_pjit
def score_pairs(words: Any, profile: Any, left: Any, right: Any, weights: Any) -> Any:
    out = np.empty(left.shape[0], np.float64)
    for p in numba.prange(left.shape[0]):
        out[p] = pair_score(words, profile, left[p], right[p], weights)
    return out


@_fast_pjit
def dice_count_above(a: Any, pa: Any, b: Any, pb: Any, threshold: float) -> Any:
    """All pairs between a and b: how many pairs of each row of a reach the Dice threshold."""
    n = a.shape[0]
    m = b.shape[0]
    w = a.shape[1]
    out = np.zeros(n, np.int64)
    for i in numba.prange(n):
        found = 0
        for j in range(m):
            total = pa[i] + pb[j]
            if total == 0 or 2.0 * min(pa[i], pb[j]) < threshold * total:
                continue  # the Dice coefficient cannot reach the threshold: skip the popcounts
            c = 0
            for k in range(w):
                c += popcount64(a[i, k] & b[j, k])
            if 2.0 * c >= threshold * total:
                found += 1
        out[i] = found
    return out


@_fast_pjit
def dice_pairs_above(a: Any, pa: Any, b: Any, pb: Any, threshold: float, offsets: Any) -> Any:
    """The pairs counted by `dice_count_above`, written at the given offsets: (i, j, dice)."""
    n = a.shape[0]
    m = b.shape[0]
    w = a.shape[1]
    total_found = offsets[n]
    left = np.empty(total_found, np.int64)
    right = np.empty(total_found, np.int64)
    value = np.empty(total_found, np.float32)
    for i in numba.prange(n):
        at = offsets[i]
        for j in range(m):
            total = pa[i] + pb[j]
            if total == 0 or 2.0 * min(pa[i], pb[j]) < threshold * total:
                continue  # the Dice coefficient cannot reach the threshold: skip the popcounts
            c = 0
            for k in range(w):
                c += popcount64(a[i, k] & b[j, k])
            if 2.0 * c >= threshold * total:
                left[at] = i
                right[at] = j
                value[at] = 2.0 * c / total
                at += 1
    return left, right, value


@_fast_pjit
def dice_pairs_capped(a: Any, pa: Any, b: Any, pb: Any, threshold: float, cap: int) -> Any:
    """One pass over all pairs, keeping up to `cap` matches per row of a (counts are exact)."""
    n = a.shape[0]
    m = b.shape[0]
    w = a.shape[1]
    counts = np.zeros(n, np.int64)
    right = np.empty((n, cap), np.int64)
    value = np.empty((n, cap), np.float32)
    for i in numba.prange(n):
        found = 0
        for j in range(m):
            total = pa[i] + pb[j]
            if total == 0 or 2.0 * min(pa[i], pb[j]) < threshold * total:
                continue  # the set-bit counts alone rule the pair out
            c = 0
            for k in range(w):
                c += popcount64(a[i, k] & b[j, k])
            if 2.0 * c >= threshold * total:
                if found < cap:
                    right[i, found] = j
                    value[i, found] = 2.0 * c / total
                found += 1
        counts[i] = found
    return counts, right, value


def dice_all_pairs(
    a: np.ndarray[Any, Any], b: np.ndarray[Any, Any], threshold: float, cap: int = 16
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Every pair (row of a, row of b) whose Dice coefficient reaches the threshold.

    One pass keeps up to `cap` matches per row; the rare rows with more are done again with
    the exact two-pass kernels.
    """
    pa, pb = popcounts(a), popcounts(b)
    counts, right, value = dice_pairs_capped(a, pa, b, pb, threshold, cap)
    kept = np.minimum(counts, cap)
    rows = np.repeat(np.arange(len(a)), kept)
    mask = np.arange(cap)[None, :] < kept[:, None]
    left_out, right_out, value_out = rows, right[mask], value[mask]
    overflow = np.flatnonzero(counts > cap)
    if len(overflow):
        sub = np.ascontiguousarray(a[overflow])
        sub_counts = dice_count_above(sub, pa[overflow], b, pb, threshold)
        offsets = np.zeros(len(sub_counts) + 1, np.int64)
        np.cumsum(sub_counts, out=offsets[1:])
        extra_left, extra_right, extra_value = dice_pairs_above(
            sub, pa[overflow], b, pb, threshold, offsets
        )
        keep = ~np.isin(rows, overflow)
        left_out = np.concatenate([rows[keep], overflow[extra_left]])
        right_out = np.concatenate([right_out[keep], extra_right])
        value_out = np.concatenate([value_out[keep], extra_value])
    return left_out, right_out, value_out


@_pjit
def all_pairs_count_scores(words: Any, profile: Any, weights: Any, threshold: float) -> Any:
    n = words.shape[0]
    out = np.zeros(n, np.int64)
    for i in numba.prange(n):
        found = 0
        for j in range(i + 1, n):
            if pair_score(words, profile, i, j, weights) >= threshold:
                found += 1
        out[i] = found
    return out


@_pjit
def all_pairs_fill_scores(
    words: Any, profile: Any, weights: Any, threshold: float, offsets: Any
) -> Any:
    n = words.shape[0]
    left = np.empty(offsets[n], np.int64)
    right = np.empty(offsets[n], np.int64)
    for i in numba.prange(n):
        at = offsets[i]
        for j in range(i + 1, n):
            if pair_score(words, profile, i, j, weights) >= threshold:
                left[at] = i
                right[at] = j
                at += 1
    return left, right


def all_pairs_above(
    words: Words,
    profile: Profile,
    weights: Weights,
    threshold: float,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Every pair i < j scoring at least `threshold`: the baseline blocking is measured against."""
    found = all_pairs_count_scores(words, profile, weights, threshold)
    offsets = np.zeros(len(found) + 1, np.int64)
    np.cumsum(found, out=offsets[1:])
    return all_pairs_fill_scores(words, profile, weights, threshold, offsets)  # type: ignore[no-any-return]


@_pjit
def pair_levels_many(words: Any, profile: Any, left: Any, right: Any) -> Any:
    out = np.empty((left.shape[0], 4), np.int8)
    for p in numba.prange(left.shape[0]):
        a, b, c, d = pair_levels(words, profile, left[p], right[p])
        out[p, 0] = a
        out[p, 1] = b
        out[p, 2] = c
        out[p, 3] = d
    return out


@_jit
def _sides(words: Any, profile: Any, order: Any, a: int, size: int, field: int, split: int) -> Any:
    """How many records each side of group order[a:a + size] holds (zeros for non-roots).

    Records whose `field` is not clearly different (level below `split`; for first names, or
    crossed) are joined into one side.
    """
    parent = np.arange(size)
    for x in range(size):
        for y in range(x + 1, size):
            levels = pair_levels(words, profile, order[a + x], order[a + y])
            if levels[field] < split or (field == FIRST and levels[SWAPPED] == 1):
                rx = x
                while parent[rx] != rx:
                    rx = parent[rx]
                ry = y
                while parent[ry] != ry:
                    ry = parent[ry]
                parent[max(rx, ry)] = min(rx, ry)
    members = np.zeros(size, np.int64)
    for x in range(size):
        root = x
        while parent[root] != root:
            root = parent[root]
        members[root] += 1
    return members


@_jit
def twin_statistics(words: Any, profile: Any, order: Any, starts: Any, largest: int) -> Any:
    """Counts behind `scoring.twin_share`, over groups of records sharing surname and date.

    `order` lists record indices grouped by (surname, birth date + sex) value; group g is
    order[starts[g]:starts[g + 1]]. Inside a group, records whose first names are not clearly
    different (level < 5, or crossed) are one side. Returns (groups with one side, of which with
    two or more records, pairs of sides, of which with two or more records on both sides).
    Groups larger than `largest` are skipped (a common estimated date, not a family).
    """
    ordinary = 0
    ordinary_repeated = 0
    sides = 0
    sides_repeated = 0
    for g in range(starts.shape[0] - 1):
        a = starts[g]
        size = starts[g + 1] - a
        if size > largest:
            continue
        members = _sides(words, profile, order, a, size, FIRST, 5)
        roots = int((members > 0).sum())
        repeated = int((members >= 2).sum())
        if roots == 1:
            ordinary += 1
            ordinary_repeated += repeated
        else:
            sides += roots * (roots - 1) // 2
            sides_repeated += repeated * (repeated - 1) // 2
    return ordinary, ordinary_repeated, sides, sides_repeated


@_jit
def anchored_levels(
    words: Any, profile: Any, order: Any, starts: Any, largest: int, field: int
) -> Any:
    """Level counts of one field over pairs of records that share the other two fields' values.

    Groups as in `twin_statistics`. Returns (counts by level, counts by level of the pairs with
    the twin signature: first names clearly different and not crossed).
    """
    counts = np.zeros(LEVELS, np.int64)
    twins = np.zeros(LEVELS, np.int64)
    for g in range(starts.shape[0] - 1):
        a = starts[g]
        size = starts[g + 1] - a
        if size < 2 or size > largest:
            continue
        if field == DATE and (_sides(words, profile, order, a, size, DATE, 2) >= 2).sum() >= 2:
            continue  # namesakes: two or more dates, each held by two or more records
        for x in range(size):
            for y in range(x + 1, size):
                levels = pair_levels(words, profile, order[a + x], order[a + y])
                level = levels[field]
                counts[level] += 1
                if field == FIRST and levels[SWAPPED] == 0 and 5 <= level < MISSING:
                    twins[level] += 1
    return counts, twins

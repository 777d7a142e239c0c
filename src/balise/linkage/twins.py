"""Pure-Python twins of the compiled kernels: slow, obvious, and what tests trust."""

from __future__ import annotations

import math
from typing import Any

from balise.linkage.kernels import (
    COMMON_DATE_FACTOR,
    COMMON_DATE_INFORMATION,
    CONSTANTS,
    D0,
    DATE,
    DATE_PARTS,
    DATE_WORDS,
    DENSE_NAME_CUTS,
    DOUBLE_DAMAGE_PENALTY,
    F0,
    INFORMATION_CAP,
    L0,
    LAST,
    MISSING,
    NAME_WORDS,
    NEAR_LEVELS,
    NEAR_NAMES,
    SEX_BITS,
    SWAP_PENALTY,
    TWIN_CAP,
    TWIN_LEVEL_BLOOM,
    TWIN_LEVEL_DENSE,
)


def _bits(row: Any, start: int, width: int) -> int:
    value = 0
    for k in range(width):
        value = (value << 64) | int(row[start + k])
    return value


def dice(a: Any, b: Any) -> float:
    x, y = _bits(a, 0, len(a)), _bits(b, 0, len(b))
    total = x.bit_count() + y.bit_count()
    return 2 * (x & y).bit_count() / total if total else 0.0


def _level(c: int, na: int, nb: int, cuts: tuple[float, ...], subset_at: int) -> int:
    if na == 0 or nb == 0:
        return MISSING
    value = 2.0 * c / (na + nb)
    level = 0
    for index, cut in enumerate(cuts):
        if index == subset_at and c >= 0.9 * min(na, nb):
            return level
        if index == subset_at:
            level += 1
        if value >= cut:
            return level
        level += 1
    return level


def _dense_level(c: int, na: int, nb: int, bits: int, h: int, cuts: tuple[float, ...]) -> int:
    """Spec v2: Hamming distance -> XOR-of-H flip rate -> one vote's flip rate -> cosine."""
    q = 1.0 - 2.0 * (na + nb - 2 * c) / bits
    similarity = math.cos(math.pi * (1.0 - q ** (1.0 / h)) / 2.0) if q > 0 else 0.0
    return next((level for level, cut in enumerate(cuts) if similarity >= cut), len(cuts))


def name_level(c: int, na: int, nb: int, functions: int = 0) -> int:
    if functions and na and nb:
        return _dense_level(c, na, nb, NAME_WORDS * 64, functions, DENSE_NAME_CUTS)
    return _level(c, na, nb, (0.9, 0.75, 0.6, 0.45, 0.3), 1)


def dense_date_level(x: Any, y: Any, functions: int) -> int:
    """Spec v2 dates, part by part (year, month, day words from D0), as the kernel."""
    parts = [(_bits(x, D0 + s, w), _bits(y, D0 + s, w), w * 64) for s, w in DATE_PARTS]
    both = [(a, b, bits) for a, b, bits in parts if a and b]
    if not both:
        return MISSING
    partial = any(bool(a) != bool(b) for a, b, _ in parts)
    if all(a == b for a, b, _ in both):
        return 1 if partial else 0
    hamming = sum((a ^ b).bit_count() for a, b, _ in both)
    bits = sum(bits for _, _, bits in both)
    q = 1.0 - 2.0 * hamming / bits
    similarity = math.cos(math.pi * (1.0 - q ** (1.0 / functions)) / 2.0) if q > 0 else 0.0
    cuts = (0.48, 0.38, 0.25, 0.12)
    return 2 + next((level for level, cut in enumerate(cuts) if similarity >= cut), len(cuts))


def date_level(c: int, na: int, nb: int) -> int:
    if na <= SEX_BITS or nb <= SEX_BITS:
        return MISSING  # the sex token alone: no date
    return _level(c, na, nb, (0.95, 0.65, 0.5, 0.35, 0.15), 1)


def _rank(level: int) -> float:
    return 7.0 if level == MISSING else float(level)  # a missing name explains nothing


def pair_levels(x: Any, y: Any, functions: tuple[int, int] = (0, 0)) -> tuple[int, int, int, int]:
    """(first, last, date, swapped) as `kernels.pair_levels`, with Python integers; `functions`
    are the spec's numbers of majority functions for names and for the date (0 for v1)."""
    f = (_bits(x, F0, NAME_WORDS), _bits(y, F0, NAME_WORDS))
    last = (_bits(x, L0, NAME_WORDS), _bits(y, L0, NAME_WORDS))
    d = (_bits(x, D0, DATE_WORDS), _bits(y, D0, DATE_WORDS))

    def level(a: int, b: int) -> int:
        return name_level((a & b).bit_count(), a.bit_count(), b.bit_count(), functions[0])

    ff, ll = level(f[0], f[1]), level(last[0], last[1])
    fl, lf = level(f[0], last[1]), level(last[0], f[1])
    if functions[1]:
        dd = dense_date_level(x, y, functions[1])
    else:
        dd = date_level((d[0] & d[1]).bit_count(), d[0].bit_count(), d[1].bit_count())
    if _rank(fl) + _rank(lf) < _rank(ff) + _rank(ll):
        return fl, lf, dd, 1
    return ff, ll, dd, 0


def pair_score(
    x: Any, y: Any, info_x: Any, info_y: Any, weights: Any, functions: tuple[int, int] = (0, 0)
) -> float:
    """The score of `kernels.pair_score`; info_* are each record's profile columns PROFILE_INFO
    (first, last, date) and PROFILE_PAIR_INFO, in that order."""
    first, last, date, swapped = pair_levels(x, y, functions)
    constants = weights[CONSTANTS]
    cap = constants[INFORMATION_CAP]
    total = 0.0
    names_info = 0.0
    for field, level in enumerate((first, last, date)):
        other = LAST - field if swapped and field < DATE else field
        if field < DATE and 1 <= level <= NEAR_LEVELS:
            bits_x = _bits(x, (F0, L0)[field], NAME_WORDS).bit_count()
            bits_y = _bits(y, (F0, L0)[other], NAME_WORDS).bit_count()
            if level == 1 and not functions[0]:
                held = info_x[field] if bits_x <= bits_y else info_y[other]
            else:
                held = min(info_x[field], info_y[other])
            bound = weights[NEAR_NAMES][NEAR_LEVELS * field + level - 1] + min(held, cap)
            total += min(weights[field][level], bound)
            continue
        if level != 0:
            common_date = min(info_x[DATE], info_y[DATE]) < constants[COMMON_DATE_INFORMATION]
            common = field == DATE and level != MISSING and common_date
            factor = constants[COMMON_DATE_FACTOR] if common else 1.0
            total += weights[field][level] * factor
            continue
        info = min(info_x[field], info_y[other], cap)
        total += weights[field][0] + info
        if field < DATE:
            names_info += info
    if first == 0 and last == 0:
        total -= max(0.0, names_info - min(info_x[3], info_y[3]))
    if swapped:
        total -= constants[SWAP_PENALTY]
    if 2 <= date < MISSING and (2 <= first < MISSING or 2 <= last < MISSING):
        total -= constants[DOUBLE_DAMAGE_PENALTY]
    twin_level = TWIN_LEVEL_DENSE if functions[0] else TWIN_LEVEL_BLOOM
    if not swapped and MISSING != first >= twin_level and last <= 1 and date <= 1:
        total = min(total, constants[TWIN_CAP])  # twin signature: capped at the measured odds
    return total

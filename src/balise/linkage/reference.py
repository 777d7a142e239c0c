"""Pure-Python reference twins of the compiled kernels: slow, obvious, and what tests trust."""

from __future__ import annotations

from typing import Any

from balise.linkage.kernels import MISSING

NAME_WORDS, DATE_WORDS = 6, 4
F0, L0, D0 = 0, 6, 12


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


def name_level(c: int, na: int, nb: int) -> int:
    return _level(c, na, nb, (0.9, 0.75, 0.6, 0.45, 0.3), 1)


def date_level(c: int, na: int, nb: int) -> int:
    return _level(c, na, nb, (0.95, 0.65, 0.5, 0.35, 0.15), 1)


def pair_score(x: Any, y: Any, weights: Any) -> float:
    """The score of `kernels.pair_score`, computed with Python integers."""
    f = (_bits(x, F0, NAME_WORDS), _bits(y, F0, NAME_WORDS))
    last = (_bits(x, L0, NAME_WORDS), _bits(y, L0, NAME_WORDS))
    d = (_bits(x, D0, DATE_WORDS), _bits(y, D0, DATE_WORDS))

    def lv(a: int, b: int, level: Any = name_level) -> int:
        return int(level((a & b).bit_count(), a.bit_count(), b.bit_count()))

    ff, ll = lv(f[0], f[1]), lv(last[0], last[1])
    fl, lf = lv(f[0], last[1]), lv(last[0], f[1])
    dd = lv(d[0], d[1], date_level)
    straight = weights[0][ff] + weights[1][ll]
    swapped = weights[0][fl] + weights[1][lf] - weights[3][0]
    names = max(straight, swapped)
    if ff >= 5 and fl >= 5 and MISSING not in (ff, fl):
        names -= weights[3][1]
    return float(names + weights[2][dd])

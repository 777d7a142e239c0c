"""Frequency alignment: the k-th most frequent segment value is the k-th most frequent name.

Identical values give identical segments, so each segment's distinct values and their counts
are visible; sorting them against background frequencies (Kuzu et al. 2011; the frequency
attack of Christen et al., PAKDD 2017) names the values whose rank is stable.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt

from balise.linkage.attack.data import Background, Guess, StolenCopy, distinct, name_segments
from balise.linkage.attack.data import date_segment as find_date_segment
from balise.linkage.normalise import InvalidField, parse_birth_date

MIN_COUNT = 2  # values seen once carry no rank


def frequency_attack(copy: StolenCopy, background: Background) -> list[Guess]:
    bits = copy.bits()
    n = len(copy)
    first: list[frozenset[str] | None] = [None] * n
    last: list[frozenset[str] | None] = [None] * n
    for segment in name_segments(copy.spec):
        found = distinct(bits[:, segment.offset : segment.offset + segment.bits])
        empty: npt.NDArray[np.bool_] = np.asarray(~found.values.any(axis=1))
        order = [int(i) for i in np.argsort(-found.counts, kind="stable") if not empty[i]]
        order = [i for i in order if found.counts[i] >= MIN_COUNT]
        plain = background.field_values(segment.name)
        names: list[frozenset[str] | None] = [None] * len(found.values)
        for i in np.flatnonzero(empty):
            names[int(i)] = frozenset()
        for value, (name, _) in zip(order, plain, strict=False):
            names[value] = name.words
        target = first if segment.name.startswith("first") else last
        for record in range(n):
            target[record] = names[int(found.inverse[record])]
    sexes: list[str | None] = [None] * n
    years: list[int | None] = [None] * n
    date = find_date_segment(copy.spec)
    if date is not None:
        found = distinct(bits[:, date.offset : date.offset + date.bits])
        ranked = _background_dates(background, getattr(copy.spec, "encodes_sex", True))
        order = [int(i) for i in np.argsort(-found.counts, kind="stable")]
        order = [i for i in order if found.counts[i] >= MIN_COUNT]
        labels: dict[int, tuple[int | None, str]] = dict(zip(order, ranked, strict=False))
        for record in range(n):
            label = labels.get(int(found.inverse[record]))
            if label is not None:
                years[record] = label[0]
                sexes[record] = label[1] or None
    return [Guess(first[i], last[i], sexes[i], years[i]) for i in range(n)]


def _background_dates(background: Background, with_sex: bool) -> list[tuple[int | None, str]]:
    """(year, sex) of the background's date values, most frequent value first; the sex only
    when the spec encodes it (otherwise the values are dates alone)."""
    merged: Counter[tuple[str, str]] = Counter()
    for (date, sex), count in background.dates.items():
        merged[(date, sex if with_sex else "")] += count
    out: list[tuple[int | None, str]] = []
    for (date, sex), _ in sorted(merged.items(), key=lambda item: (-item[1], item[0])):
        try:
            out.append((parse_birth_date(date).year, sex))
        except InvalidField:
            continue
    return out

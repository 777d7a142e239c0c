"""Cell-key perturbation (ABS TableBuilder, ONS Census 2021): every cell published, with noise.

Each record carries a fixed random *record key* in ``[0, key_range)``: a child's key comes from
its linkage cluster id, a situation's from its id, both through HMAC-SHA256 under a secret the
application keeps (so the key is the same in every run, table and release). A cell's *cell key*
is the sum of its contributors' record keys modulo ``key_range``, and its published value is
``ptable(true value, cell key)``: a fixed lookup table. The same contributors therefore always
get the same noise, in every table and every release (the margin of one table and of another
table over the same children agree), while an attacker who does not hold the keys sees bounded,
unbiased noise.

The ptable (``PTable.build``) follows ``ptable::create_cnt_ptable``: for each true count ``n``
a distribution of published values ``v`` with ``|v - n| <= max_noise``, mean ``n`` (unbiased),
variance ``variance`` where the support allows it, and the largest entropy under those
constraints; zeros stay zeros (a cell without contributors has no key), and the values
``1 .. never_published`` are never published (no 1s or 2s, as in ABS Census outputs). Rows
beyond ``never_published + max_noise`` repeat the last row's noise.

Additivity is lost by design: each margin is perturbed by its own cell key, not summed from its
perturbed interior cells, so interior cells need not add up to their published total (forcing
them to would add noise and break consistency across tables). See docs/disclosure.md.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linprog, minimize

from balise.disclosure.build import _finest_value, _in_scope, _single, child_records
from balise.disclosure.jsonio import release_to_json
from balise.disclosure.model import CountTable, ReleaseTables, TableSpec
from balise.disclosure.types import CellKey, JSONObject, Row

__all__ = [
    "PTable",
    "PerturbedRelease",
    "perturb_release",
    "record_key",
]

#: Key range of ONS's administrative-data ptables (Census 2021 used 256): probabilities in
#: steps of 1/4096.
DEFAULT_KEY_RANGE = 4096
PERTURBATION_KEY = "perturbation"

Progress = Callable[[int, int, str], None]


def record_key(secret: bytes, identifier: str, key_range: int = DEFAULT_KEY_RANGE) -> int:
    """A record's fixed key: HMAC-SHA256(secret, identifier), uniform on ``[0, key_range)``."""
    digest = hmac.new(secret, identifier.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % key_range


def _max_entropy(offsets: Sequence[int], variance: float) -> list[float]:
    """Probabilities over ``offsets`` (noise values) with mean 0, the given variance where
    reachable (else the smallest reachable plus a little), and the largest entropy."""
    d = np.array(offsets, dtype=np.float64)
    if len(d) == 1:
        return [1.0]
    # The variances a zero-mean distribution on this support can have (two linear programs).
    reach = []
    for sign in (1.0, -1.0):
        bound = linprog(
            sign * d**2,
            A_eq=np.vstack([np.ones_like(d), d]),
            b_eq=np.array([1.0, 0.0]),
            bounds=[(0, None)] * len(d),
            method="highs",
        )
        if bound.status != 0:
            raise ValueError(f"no unbiased noise on support {list(offsets)}")
        reach.append(float(sign * bound.fun))
    low, high = reach
    if high - low < 1e-9:
        return [float(x) for x in bound.x]
    # Stay inside the reachable range: its ends are degenerate (zero entropy somewhere).
    margin = 0.1 * (high - low)
    target = min(max(variance, low + margin), high - margin)

    def dual(params: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = float(params[0]), float(params[1])
        z = a * d + b * d**2
        top = float(np.max(z))
        w = np.exp(z - top)
        total = float(w.sum())
        p = w / total
        value = top + math.log(total) - b * target
        return value, np.array([float(p @ d), float(p @ d**2) - target])

    result = minimize(dual, np.zeros(2), jac=True, method="BFGS", options={"gtol": 1e-10})
    a, b = float(result.x[0]), float(result.x[1])
    z = a * d + b * d**2
    p = np.exp(z - np.max(z))
    p = p / p.sum()
    return [float(x) for x in p]


@dataclass(frozen=True)
class PTable:
    """The perturbation table: per true count, published values and cumulative key counts.

    ``rows[n]`` lists ``(published value, cumulative count)`` pairs for true count ``n``; a cell
    key ``k`` selects the first pair whose cumulative count exceeds ``k``. Counts above the last
    row reuse its noise, shifted.
    """

    max_noise: int
    variance: float
    never_published: int
    key_range: int
    rows: tuple[tuple[tuple[int, int], ...], ...]

    @classmethod
    def build(
        cls,
        *,
        max_noise: int = 4,
        variance: float = 2.0,
        never_published: int = 2,
        key_range: int = DEFAULT_KEY_RANGE,
    ) -> PTable:
        if max_noise < 1 or never_published < 0 or variance <= 0 or key_range < 16:
            raise ValueError("the ptable needs max_noise >= 1, variance > 0, key_range >= 16")
        if never_published >= max_noise + 1:
            raise ValueError("never_published must be below max_noise + 1 (unbiased noise)")
        last = never_published + max_noise + 1
        rows: list[tuple[tuple[int, int], ...]] = [((0, key_range),)]
        for n in range(1, last + 1):
            values = [
                v
                for v in range(max(0, n - max_noise), n + max_noise + 1)
                if v == 0 or v > never_published
            ]
            probabilities = _max_entropy([v - n for v in values], variance)
            rows.append(_quantise(values, probabilities, key_range))
        return cls(
            max_noise=max_noise,
            variance=variance,
            never_published=never_published,
            key_range=key_range,
            rows=tuple(rows),
        )

    def _row(self, value: int) -> tuple[int, tuple[tuple[int, int], ...]]:
        last = len(self.rows) - 1
        return (value - last, self.rows[last]) if value > last else (0, self.rows[value])

    def perturb(self, value: int, cell_key: int) -> int:
        """The published value of a cell with true ``value`` and ``cell_key``."""
        if value < 0:
            raise ValueError("counts are never negative")
        shift, row = self._row(value)
        for published, cumulative in row:
            if cell_key % self.key_range < cumulative:
                return published + shift
        raise AssertionError("a ptable row covers the whole key range")  # pragma: no cover

    def distribution(self, value: int) -> dict[int, float]:
        """The published values of a true ``value`` with their probabilities."""
        shift, row = self._row(value)
        out: dict[int, float] = {}
        previous = 0
        for published, cumulative in row:
            out[published + shift] = (cumulative - previous) / self.key_range
            previous = cumulative
        return out

    def origins(self, published: int) -> tuple[int, int]:
        """The smallest and largest true counts that can be published as ``published``.

        What an attacker who knows the ptable learns from one published figure.
        """
        if published == 0:
            candidates = [n for n in range(len(self.rows)) if 0 in self.distribution(n)]
            return min(candidates), max(candidates)
        low = max(0, published - self.max_noise)
        high = published + self.max_noise
        found = [n for n in range(low, high + 1) if published in self.distribution(n)]
        if not found:
            raise ValueError(f"{published} cannot be published by this ptable")
        return min(found), max(found)

    def to_json(self) -> JSONObject:
        """The parameters that rebuild this ptable (the construction is deterministic)."""
        return {
            "max_noise": self.max_noise,
            "variance": self.variance,
            "never_published": self.never_published,
            "key_range": self.key_range,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PTable:
        return cls.build(
            max_noise=int(data["max_noise"]),
            variance=float(data["variance"]),
            never_published=int(data["never_published"]),
            key_range=int(data["key_range"]),
        )


def _quantise(
    values: Sequence[int], probabilities: Sequence[float], key_range: int
) -> tuple[tuple[int, int], ...]:
    """Cumulative key counts; every value of the support keeps at least one key."""
    counts = [max(1, round(p * key_range)) for p in probabilities]
    # Give the rounding difference to the most likely value (keeps the mean within D/key_range).
    counts[int(np.argmax(counts))] += key_range - sum(counts)
    cumulative = list(itertools.accumulate(counts))
    return tuple(zip(values, cumulative, strict=True))


@dataclass(frozen=True)
class PerturbedRelease:
    """True tables (analysts only), the published perturbed values, and the ptable used."""

    true: ReleaseTables
    published: Mapping[str, Mapping[CellKey, int]]
    ptable: PTable
    cell_keys: Mapping[str, Mapping[CellKey, int]] = field(repr=False)

    def as_release(self) -> ReleaseTables:
        """The published figures in the ordinary release model (nothing withheld)."""
        tables = tuple(
            CountTable(spec=t.spec, values=dict(self.published[t.name])) for t in self.true.tables
        )
        return ReleaseTables(metadata=self.true.metadata, tables=tables, rules=self.true.rules)

    def errors(self) -> list[int]:
        return [
            abs(self.published[t.name][key] - t.true_value(key))
            for t in self.true.tables
            for key in t.values
        ]

    @property
    def mean_absolute_error(self) -> float:
        errors = self.errors()
        return sum(errors) / len(errors) if errors else 0.0

    @property
    def changed_share(self) -> float:
        errors = self.errors()
        return sum(1 for e in errors if e) / len(errors) if errors else 0.0

    def summary(self) -> JSONObject:
        """What the methodology note says (never a cell key or a cell's own noise)."""
        return {
            "method": "cell key",
            "ptable": self.ptable.to_json(),
            "cells": len(self.errors()),
            "mean_absolute_error": round(self.mean_absolute_error, 2),
            "changed_share": round(self.changed_share, 3),
        }


def _contributor_keys(
    spec: TableSpec,
    rows: Sequence[Row],
    *,
    secret: bytes,
    key_range: int,
    child_key: str,
    record_id: str,
) -> list[tuple[Row, int]]:
    if spec.unit == "children":
        multi = [d.variable for d in spec.dimensions if d.multi_valued]
        records = child_records(rows, child_key=child_key, multi_valued=multi)
        return [(r, record_key(secret, f"child:{r[child_key]}", key_range)) for r in records]
    out = []
    for index, row in enumerate(rows):
        if record_id not in row:
            raise ValueError(f"row {index}: no {record_id!r} to key the situation by")
        out.append((row, record_key(secret, f"situation:{row[record_id]}", key_range)))
    return out


def _table_cell_keys(
    spec: TableSpec, keyed: Sequence[tuple[Row, int]], key_range: int
) -> tuple[dict[CellKey, int], dict[CellKey, int]]:
    """Each cell's true count and cell key (sum of its contributors' keys mod the range)."""
    counts: dict[CellKey, int] = defaultdict(int)
    keys: dict[CellKey, int] = defaultdict(int)
    for index, (record, key) in enumerate(keyed):
        if not _in_scope(record, spec.scope):
            continue
        per_dimension = [
            d.codes_of(
                _finest_value(record, d, index) if d.multi_valued else _single(record, d, index)
            )
            for d in spec.dimensions
        ]
        for cell in itertools.product(*per_dimension):
            counts[cell] += 1
            keys[cell] = (keys[cell] + key) % key_range
    return (
        {cell: counts.get(cell, 0) for cell in spec.cell_keys()},
        {cell: keys.get(cell, 0) for cell in spec.cell_keys()},
    )


def perturb_release(
    specs: Sequence[TableSpec],
    rows: Sequence[Row],
    *,
    secret: bytes,
    ptable: PTable | None = None,
    metadata: Mapping[str, Any] | None = None,
    child_key: str = "child",
    record_id: str = "record",
    progress: Progress | None = None,
) -> PerturbedRelease:
    """Tabulate ``specs`` from ``rows`` and perturb every cell by its cell key.

    Children are keyed by ``child_key`` (the linkage cluster), situations by ``record_id``.
    """
    ptable = ptable or PTable.build()
    tables = []
    published: dict[str, dict[CellKey, int]] = {}
    cell_keys: dict[str, dict[CellKey, int]] = {}
    keyed_by_unit: dict[tuple[str, tuple[str, ...]], list[tuple[Row, int]]] = {}
    for index, spec in enumerate(specs):
        if progress is not None:
            progress(index, len(specs), spec.name)
        multi = tuple(d.variable for d in spec.dimensions if d.multi_valued)
        cache = (spec.unit, multi)
        if cache not in keyed_by_unit:
            keyed_by_unit[cache] = _contributor_keys(
                spec,
                rows,
                secret=secret,
                key_range=ptable.key_range,
                child_key=child_key,
                record_id=record_id,
            )
        values, keys = _table_cell_keys(spec, keyed_by_unit[cache], ptable.key_range)
        tables.append(CountTable(spec=spec, values=values))
        published[spec.name] = {cell: ptable.perturb(values[cell], keys[cell]) for cell in values}
        cell_keys[spec.name] = keys
    if progress is not None:
        progress(len(specs), len(specs), "perturbed")
    true = ReleaseTables(metadata=dict(metadata or {}), tables=tuple(tables))
    return PerturbedRelease(true=true, published=published, ptable=ptable, cell_keys=cell_keys)


def perturbed_release_to_json(release: PerturbedRelease) -> JSONObject:
    """The ordinary JSON contract (every value an integer) plus ``release.perturbation``."""
    document = release_to_json(release.as_release())
    document["release"][PERTURBATION_KEY] = release.summary()
    return document


__all__ += ["PERTURBATION_KEY", "perturbed_release_to_json"]

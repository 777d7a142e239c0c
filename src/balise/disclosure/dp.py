"""Optional differential-privacy release mode with OpenDP (``pip install balise[dp]``).

An alternative to suppression: every figure is published with discrete Laplace noise, one child
is the privacy unit, the categories are the public code lists (never the data), each table
spends a published epsilon, and a ledger adds the epsilons of every release up.

Per table, one noisy count is drawn for each combination of the finest *shown* codes (leaf codes
of a code tree, every code of a flat or grouped list; for a multi-valued dimension also its
margin, since a child known to two sectors would otherwise count twice in a sum). Parent codes
and margins are sums of noisy counts, which costs no extra privacy. A child contributes to at
most ``contributions`` counts: the product over multi-valued dimensions of (codes + 1) for
children tables; for situations tables, at most ``max_situations_per_child`` of its situations
are kept (the first ones), since a child may have many.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from balise.disclosure.build import child_records
from balise.disclosure.jsonio import release_to_json
from balise.disclosure.model import CountTable, Dimension, ReleaseTables, TableSpec
from balise.disclosure.types import MARGIN, CellKey, Code, JSONObject, Row

__all__ = [
    "DPRelease",
    "DPTable",
    "LedgerEntry",
    "PrivacyBudgetExceeded",
    "PrivacyLedger",
    "dp_available",
    "dp_release",
    "dp_release_to_json",
]

_SEPARATOR = "\x1f"  # joins codes into one category string; never inside a code


class PrivacyBudgetExceeded(RuntimeError):
    """Releasing these tables would spend more than the ledger's budget allows."""


@dataclass(frozen=True)
class LedgerEntry:
    release: str
    table: str
    epsilon: float


@dataclass
class PrivacyLedger:
    """Cumulative epsilon across releases: a plain record the application stores.

    Pure epsilon-DP releases about the same children compose by addition, so the total is the
    guarantee a child has across everything published in this mode.
    """

    entries: list[LedgerEntry] = field(default_factory=list)
    budget: float | None = None

    @property
    def total(self) -> float:
        return math.fsum(e.epsilon for e in self.entries)

    def remaining(self) -> float:
        return math.inf if self.budget is None else self.budget - self.total

    def check(self, epsilons: Sequence[float]) -> None:
        if self.budget is not None and self.total + math.fsum(epsilons) > self.budget + 1e-12:
            raise PrivacyBudgetExceeded(
                f"spending {math.fsum(epsilons):g} more would exceed the budget {self.budget:g} "
                f"(already spent {self.total:g})"
            )

    def charge(self, release: str, table: str, epsilon: float) -> None:
        self.check([epsilon])
        self.entries.append(LedgerEntry(release=release, table=table, epsilon=epsilon))

    def to_json(self) -> JSONObject:
        return {
            "budget": self.budget,
            "total": self.total,
            "entries": [
                {"release": e.release, "table": e.table, "epsilon": e.epsilon} for e in self.entries
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PrivacyLedger:
        return cls(
            entries=[
                LedgerEntry(str(e["release"]), str(e["table"]), float(e["epsilon"]))
                for e in data.get("entries", [])
            ],
            budget=None if data.get("budget") is None else float(data["budget"]),
        )


@dataclass(frozen=True)
class DPTable:
    """One noisy table: published values, their 95% error margins, and what it cost."""

    spec: TableSpec
    values: Mapping[CellKey, int]
    error_95: Mapping[CellKey, float]
    epsilon: float
    scale: float
    contributions: int


@dataclass(frozen=True)
class DPRelease:
    metadata: Mapping[str, Any]
    tables: tuple[DPTable, ...]

    def as_release(self) -> ReleaseTables:
        """The noisy figures in the ordinary release model (nothing withheld)."""
        tables = tuple(CountTable(spec=t.spec, values=dict(t.values)) for t in self.tables)
        return ReleaseTables(metadata=self.metadata, tables=tables)


def dp_available() -> bool:
    """Whether the optional OpenDP dependency is installed."""
    try:
        import opendp.prelude  # noqa: F401
    except ImportError:
        return False
    return True


def _shown_codes(dimension: Dimension) -> tuple[Code, ...]:
    """The codes that get their own noisy count: leaves of the code tree (+ margin if multi)."""
    heads = set(dimension.parents.values())
    leaves = tuple(c for c in dimension.codes if c not in heads)
    return (*leaves, MARGIN) if dimension.multi_valued else leaves


def _summed(dimension: Dimension, code: Code, shown: tuple[Code, ...]) -> list[Code]:
    """The noisy counts whose sum gives ``code`` on this dimension."""
    if dimension.multi_valued:
        return [code]  # drawn directly: a sum would count a child once per code it holds
    if code == MARGIN:
        return list(shown)
    return [s for s in shown if dimension.leaves[s] <= dimension.leaves[code]]


def _contributions(spec: TableSpec, max_situations_per_child: int) -> int:
    if spec.unit == "situations":
        return max_situations_per_child
    return math.prod(len(d.codes) + 1 for d in spec.dimensions if d.multi_valued)


def _records(
    spec: TableSpec, rows: Sequence[Row], child_key: str, max_situations_per_child: int
) -> Sequence[Mapping[str, Any]]:
    if spec.unit == "children":
        multi = [d.variable for d in spec.dimensions if d.multi_valued]
        return child_records(rows, child_key=child_key, multi_valued=multi)
    kept: dict[object, int] = defaultdict(int)
    out = []
    for index, row in enumerate(rows):
        if child_key not in row:
            raise ValueError(f"row {index}: no {child_key!r}; the privacy unit is the child")
        if kept[row[child_key]] < max_situations_per_child:
            kept[row[child_key]] += 1
            out.append(row)
    return out


def _categories_of(record: Mapping[str, Any], spec: TableSpec) -> list[str]:
    for variable, codes in spec.scope.items():
        if str(record.get(variable)) not in codes:
            return []
    per_dimension = []
    for dimension in spec.dimensions:
        value = record.get(dimension.variable)
        values = (
            frozenset(map(str, value))
            if isinstance(value, frozenset | set | list | tuple)
            else frozenset({str(value)})
        )
        shown = [c for c in _shown_codes(dimension) if c != MARGIN and dimension.leaves[c] & values]
        if dimension.multi_valued:
            shown.append(MARGIN)
        if not shown:
            raise ValueError(f"code {sorted(values)[0]!r} is not in {dimension.name!r}")
        per_dimension.append(shown)
    return [_SEPARATOR.join(combo) for combo in itertools.product(*per_dimension)]


def _noisy_table(
    spec: TableSpec,
    rows: Sequence[Row],
    epsilon: float,
    child_key: str,
    max_situations_per_child: int,
) -> DPTable:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    contributions = _contributions(spec, max_situations_per_child)
    if any(d.multi_valued and d.parents for d in spec.dimensions):
        raise ValueError(f"table {spec.name!r}: a multi-valued code tree cannot be summed")
    shown = [_shown_codes(d) for d in spec.dimensions]
    categories = [_SEPARATOR.join(combo) for combo in itertools.product(*shown)]
    data = [
        category
        for record in _records(spec, rows, child_key, max_situations_per_child)
        for category in _categories_of(record, spec)
    ]
    context = dp.Context.compositor(
        data=data,
        privacy_unit=dp.unit_of(contributions=contributions),
        privacy_loss=dp.loss_of(epsilon=float(epsilon)),
        split_evenly_over=1,
        domain=dp.vector_domain(dp.atom_domain(T=str)),
    )
    query = context.query().count_by_categories(categories=categories, null_category=False)
    measured = query.laplace()
    scale = float(measured.param())
    noisy = dict(zip(categories, measured.release(), strict=True))
    single = float(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=0.05))
    variance = 2 * math.exp(-1 / scale) / (1 - math.exp(-1 / scale)) ** 2

    values: dict[CellKey, int] = {}
    errors: dict[CellKey, float] = {}
    for key in spec.cell_keys():
        under = [
            _summed(d, code, codes)
            for d, code, codes in zip(spec.dimensions, key, shown, strict=True)
        ]
        parts = [_SEPARATOR.join(combo) for combo in itertools.product(*under)]
        total = sum(int(noisy[p]) for p in parts)
        values[key] = max(0, total)  # a negative count reads as an error; clamp for display
        # One count: the exact discrete Laplace quantile; a sum: normal approximation, never
        # below a single count's margin.
        errors[key] = max(single, 1.96 * math.sqrt(len(parts) * variance))
    return DPTable(
        spec=spec,
        values=values,
        error_95=errors,
        epsilon=float(epsilon),
        scale=scale,
        contributions=contributions,
    )


def dp_release(
    specs: Sequence[TableSpec],
    rows: Sequence[Row],
    *,
    epsilon: float | Mapping[str, float],
    ledger: PrivacyLedger,
    release_id: str,
    metadata: Mapping[str, Any] | None = None,
    child_key: str = "child",
    max_situations_per_child: int = 5,
) -> DPRelease:
    """Release ``specs`` with OpenDP noise, charging ``ledger`` one epsilon per table.

    The whole release is refused before any noise is drawn if the ledger's budget cannot cover
    it. Requires the optional ``opendp`` dependency.
    """
    per_table = {
        s.name: float(epsilon[s.name] if isinstance(epsilon, Mapping) else epsilon) for s in specs
    }
    if any(e <= 0 for e in per_table.values()):
        raise ValueError("every table needs a positive epsilon")
    ledger.check(list(per_table.values()))
    tables = tuple(
        _noisy_table(s, rows, per_table[s.name], child_key, max_situations_per_child) for s in specs
    )
    for table in tables:
        ledger.charge(release_id, table.spec.name, table.epsilon)
    return DPRelease(metadata={**(metadata or {}), "id": release_id}, tables=tables)


def dp_release_to_json(release: DPRelease, ledger: PrivacyLedger | None = None) -> JSONObject:
    """The ordinary JSON contract, plus ``release.privacy``: epsilons and 95% error margins.

    ``privacy.error_95[table]`` lists one margin per cell, in the order of that table's cells.
    """
    data = release_to_json(release.as_release())
    data["release"]["privacy"] = {
        "mechanism": "discrete Laplace (OpenDP 0.16), one child as the privacy unit",
        "tables": {
            t.spec.name: {
                "epsilon": t.epsilon,
                "scale": t.scale,
                "contributions_per_child": t.contributions,
            }
            for t in release.tables
        },
        "error_95": {
            t.spec.name: [round(t.error_95[k], 1) for k in t.spec.cell_keys()]
            for t in release.tables
        },
        "cumulative_epsilon": None if ledger is None else ledger.total,
    }
    return data

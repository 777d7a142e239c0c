"""The table model: dimensions over microdata variables, table specifications, tables, releases.

Every published cell is a sum of *finest cells*: combinations of the finest codes of the
microdata variables. A dimension says which finest codes of its variable each of its codes covers,
so tables at different granularity (arrondissement, province, region; age, age band) stay linked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from balise.disclosure.types import MARGIN, CellKey, Code, CostModel, SuppressionReason, Unit

UNITS: tuple[Unit, ...] = ("children", "situations")

#: A multi-valued variable has one finest code per non-empty subset of its codes; keep it small.
MAX_MULTI_VALUED_CODES = 8


class InconsistentReleaseError(ValueError):
    """The current data cannot be the data an earlier release was computed from."""


@dataclass(frozen=True)
class Dimension:
    """A classification shown in tables: its codes and the finest codes each one covers.

    ``leaves[code]`` is the set of finest codes of ``variable`` counted under ``code``. Codes that
    share a parent (or, at the top level, the margin ``*``) must cover disjoint sets, and a
    parent covers exactly the union of its children. A ``multi_valued`` dimension classifies a
    child by every code it holds (a child known to two sectors counts under both).
    """

    name: str
    variable: str
    codes: tuple[Code, ...]
    leaves: Mapping[Code, frozenset[Code]]
    parents: Mapping[Code, Code] = field(default_factory=dict)
    multi_valued: bool = False

    def __post_init__(self) -> None:
        if not self.name or self.name in {"value"}:
            raise ValueError(f"dimension name {self.name!r} is not allowed")
        if len(set(self.codes)) != len(self.codes):
            raise ValueError(f"dimension {self.name!r} repeats a code")
        if MARGIN in self.codes:
            raise ValueError(f"dimension {self.name!r} uses {MARGIN!r}, reserved for margins")
        if set(self.leaves) != set(self.codes):
            raise ValueError(f"dimension {self.name!r}: every code needs its finest codes")
        for code in self.codes:
            if not self.leaves[code]:
                raise ValueError(f"dimension {self.name!r}: code {code!r} covers nothing")
        for child, parent in self.parents.items():
            if child not in self.leaves or parent not in self.leaves:
                raise ValueError(f"dimension {self.name!r}: unknown code in {child!r}->{parent!r}")
        for head, members in self.siblings().items():
            seen: set[Code] = set()
            for member in members:
                if seen & self.leaves[member]:
                    raise ValueError(
                        f"dimension {self.name!r}: codes under {head!r} overlap at {member!r}"
                    )
                seen |= self.leaves[member]
            if head != MARGIN and seen != self.leaves[head]:
                raise ValueError(
                    f"dimension {self.name!r}: {head!r} is not the union of its children"
                )
        if self.multi_valued and len(self.universe) > MAX_MULTI_VALUED_CODES:
            raise ValueError(
                f"dimension {self.name!r}: a multi-valued variable may have at most "
                f"{MAX_MULTI_VALUED_CODES} finest codes"
            )

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def flat(
        cls,
        name: str,
        codes: Sequence[Code],
        *,
        variable: str | None = None,
        multi_valued: bool = False,
    ) -> Dimension:
        """A plain code list whose codes are the finest codes of the variable (sex, sector)."""
        return cls(
            name=name,
            variable=variable or name,
            codes=tuple(codes),
            leaves={code: frozenset({code}) for code in codes},
            multi_valued=multi_valued,
        )

    @classmethod
    def grouped(
        cls,
        name: str,
        groups: Mapping[Code, Iterable[Code]],
        *,
        variable: str,
        multi_valued: bool = False,
    ) -> Dimension:
        """Codes that each group finest codes of ``variable`` (province from arrondissement)."""
        return cls(
            name=name,
            variable=variable,
            codes=tuple(groups),
            leaves={code: frozenset(members) for code, members in groups.items()},
            multi_valued=multi_valued,
        )

    @classmethod
    def hierarchical(
        cls,
        name: str,
        parents: Mapping[Code, Code | None],
        *,
        variable: str | None = None,
        multi_valued: bool = False,
    ) -> Dimension:
        """A code tree (region > province > arrondissement) shown at every level in one table.

        ``parents`` maps each code, in display order, to its parent (``None`` at the top). The
        codes that are nobody's parent are the finest codes of the variable.
        """
        links = {child: parent for child, parent in parents.items() if parent is not None}
        heads = set(links.values())
        leaves: dict[Code, set[Code]] = {code: set() for code in parents}
        for code in parents:
            if code in heads:
                continue
            node: Code | None = code
            guard = 0
            while node is not None:
                leaves[node].add(code)
                node = links.get(node)
                guard += 1
                if guard > len(parents):
                    raise ValueError(f"dimension {name!r}: the code tree has a cycle")
        return cls(
            name=name,
            variable=variable or name,
            codes=tuple(parents),
            leaves={code: frozenset(members) for code, members in leaves.items()},
            parents=links,
            multi_valued=multi_valued,
        )

    # -- queries ------------------------------------------------------------------------------
    @property
    def universe(self) -> frozenset[Code]:
        """Every finest code the dimension covers: what its margin ``*`` adds up."""
        return frozenset().union(*self.leaves.values())

    def siblings(self) -> dict[Code, tuple[Code, ...]]:
        """Each margin or parent code with the codes directly under it, in display order."""
        out: dict[Code, list[Code]] = {MARGIN: []}
        for code in self.codes:
            parent = self.parents.get(code)
            out.setdefault(parent if parent is not None else MARGIN, []).append(code)
        return {head: tuple(members) for head, members in out.items()}

    def cell_codes(self) -> tuple[Code, ...]:
        """The codes a table shows on this dimension: every code, then the margin."""
        return (*self.codes, MARGIN)

    def codes_of(self, value: Code | frozenset[Code]) -> tuple[Code, ...]:
        """The codes (margin included) under which a record with this finest value counts."""
        values = value if isinstance(value, frozenset) else frozenset({value})
        return (*(c for c in self.codes if self.leaves[c] & values), MARGIN)

    def to_json(self) -> dict[str, Any]:
        return {
            "variable": self.variable,
            "multi_valued": self.multi_valued,
            "parents": dict(self.parents),
            "codes": {code: sorted(self.leaves[code]) for code in self.codes},
        }

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> Dimension:
        return cls(
            name=name,
            variable=str(data["variable"]),
            codes=tuple(data["codes"]),
            leaves={str(c): frozenset(map(str, v)) for c, v in data["codes"].items()},
            parents={str(c): str(p) for c, p in data.get("parents", {}).items()},
            multi_valued=bool(data.get("multi_valued", False)),
        )


@dataclass(frozen=True)
class TableSpec:
    """What to tabulate: a name, the unit counted, the dimensions, and an optional scope.

    ``scope`` restricts the population to some finest codes of variables that are not shown
    (a period: months of the year to date), so releases over different periods stay linked.
    """

    name: str
    unit: Unit
    dimensions: tuple[Dimension, ...]
    scope: Mapping[str, frozenset[Code]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"table {self.name!r}: unit must be one of {UNITS}")
        names = [d.name for d in self.dimensions]
        variables = [d.variable for d in self.dimensions]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name!r} repeats a dimension")
        if len(set(variables)) != len(variables):
            raise ValueError(f"table {self.name!r} shows one variable in two dimensions")
        for variable, codes in self.scope.items():
            if not codes:
                raise ValueError(f"table {self.name!r}: empty scope on {variable!r}")
            for dimension in self.dimensions:
                if dimension.variable == variable and not codes <= dimension.universe:
                    raise ValueError(f"table {self.name!r}: scope outside {dimension.name!r}")
                if dimension.variable == variable and dimension.multi_valued:
                    raise ValueError(f"table {self.name!r}: no scope on a multi-valued variable")

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    def cell_keys(self) -> Iterator[CellKey]:
        """Every cell, margins included, in the canonical (publication) order."""
        return itertools.product(*(d.cell_codes() for d in self.dimensions))

    def with_dimension(self, replacement: Dimension) -> TableSpec:
        """The same table with one dimension (matched by variable) replaced, for coarsening."""
        dims = tuple(
            replacement if d.variable == replacement.variable else d for d in self.dimensions
        )
        return TableSpec(name=self.name, unit=self.unit, dimensions=dims, scope=self.scope)


#: Counts from 1 to this minus one are sensitive unless protected (UK practice for people).
DEFAULT_THRESHOLD: Final = 10


@dataclass(frozen=True)
class DisclosureRules:
    """The rules a release is protected and audited under.

    - ``threshold``: counts ``1 .. threshold-1`` are sensitive (UK practice: 10 for people).
    - ``protection``: a sensitive count ``x`` must stay uncertain down to ``max(0, x-protection)``
      and up to ``x+protection`` for anyone combining everything published.
    - ``suppress_zeros``: treat sampled zeros as sensitive too (off: see docs/disclosure.md).
    - ``class_disclosure``: flag a category that holds a whole non-zero margin; restricted to
      ``class_dimensions`` when given.
    - ``cost``: information loss to minimise, ``"value"`` (withheld total) or ``"cells"``.
    """

    threshold: int = DEFAULT_THRESHOLD
    protection: int = 5
    suppress_zeros: bool = False
    class_disclosure: bool = True
    class_dimensions: frozenset[str] | None = None
    cost: CostModel = "value"

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")
        if self.protection < 1:
            raise ValueError("protection must be at least 1")
        if self.cost not in ("value", "cells"):
            raise ValueError("cost must be 'value' or 'cells'")

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "protection": self.protection,
            "suppress_zeros": self.suppress_zeros,
            "class_disclosure": self.class_disclosure,
            "class_dimensions": (
                None if self.class_dimensions is None else sorted(self.class_dimensions)
            ),
            "cost": self.cost,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DisclosureRules:
        dims = data.get("class_dimensions")
        return cls(
            threshold=int(data.get("threshold", DEFAULT_THRESHOLD)),
            protection=int(data.get("protection", 5)),
            suppress_zeros=bool(data.get("suppress_zeros", False)),
            class_disclosure=bool(data.get("class_disclosure", True)),
            class_dimensions=None if dims is None else frozenset(map(str, dims)),
            cost="cells" if data.get("cost") == "cells" else "value",
        )


@dataclass(frozen=True)
class CountTable:
    """A tabulated table: every cell's value and the cells withheld from publication.

    ``values`` holds true counts for a table built here; for an earlier release read back from
    JSON it holds the published counts and ``None`` for withheld cells.
    """

    spec: TableSpec
    values: Mapping[CellKey, int | None]
    suppressed: Mapping[CellKey, SuppressionReason] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def published(self, key: CellKey) -> int | None:
        """The value as published: ``None`` when withheld."""
        return None if key in self.suppressed else self.values[key]

    def true_value(self, key: CellKey) -> int:
        value = self.values[key]
        if value is None:
            raise ValueError(f"table {self.name!r}: the true value of {key} is not known")
        return value

    def cell_dict(self, key: CellKey) -> dict[str, str]:
        return dict(zip(self.spec.dimension_names, key, strict=True))


@dataclass(frozen=True)
class ReleaseTables:
    """A set of tables published together, with its metadata and the rules that protected it."""

    metadata: Mapping[str, Any]
    tables: tuple[CountTable, ...]
    rules: DisclosureRules = field(default_factory=DisclosureRules)

    def __post_init__(self) -> None:
        names = [t.name for t in self.tables]
        if len(set(names)) != len(names):
            raise ValueError("a release cannot hold two tables with the same name")
        seen: dict[str, Dimension] = {}
        for table in self.tables:
            for dimension in table.spec.dimensions:
                other = seen.setdefault(dimension.name, dimension)
                if other.to_json() != dimension.to_json():
                    raise ValueError(
                        f"dimension {dimension.name!r} is defined two ways in one release"
                    )

    def table(self, name: str) -> CountTable:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    @property
    def suppressed_count(self) -> int:
        return sum(len(t.suppressed) for t in self.tables)

    @property
    def cell_count(self) -> int:
        return sum(len(t.values) for t in self.tables)

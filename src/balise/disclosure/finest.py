"""The finest cross-classification behind linked tables, as the suppression engine sees it.

Each variable's finest codes are first merged into *atoms*: codes that every dimension code and
every scope treats alike (ages 0-4 when every table shows age bands). The finest cells are the
product of the atoms of all variables of one unit. Every cell of every table (this release and
earlier ones) is a 0/1 row over those finest cells. The recovery attack builds its own system
separately.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from balise.disclosure.model import Dimension, TableSpec
from balise.disclosure.types import MARGIN, CellKey, Code

__all__ = ["MAX_FINEST_CELLS", "FinestSpace"]

#: Above this many finest cells the integer programs get slow; ask the analyst to coarsen.
MAX_FINEST_CELLS = 200_000

Atom = Code | frozenset[Code]

#: The finest code standing for every code of a scope-only variable that no scope names.
OUTSIDE_SCOPES = "\x00outside"


class FinestSpace:
    """Atoms per variable, the 0/1 row of any cell, and the equalities linking components.

    Variables that every table uses (the year scope) are *shared*; the others fall into
    components of variables that some table uses together. Each component gets its own product
    space over its variables and the shared ones, and the components are tied by one equality
    per combination of shared atoms (their counts agree). That is exact: tables over separate
    components only ever see each component's marginal, and any marginals that agree on the
    shared variables come from some non-negative integer joint table (fill each shared slice as a
    transportation problem). It keeps a children-by-sector table (2^k sector sets) from
    multiplying the space of every other children table.
    """

    def __init__(self, specs: Sequence[TableSpec], *, decompose: bool = True) -> None:
        dims: dict[str, list[Dimension]] = {}
        scopes: dict[str, list[frozenset[Code]]] = {}
        used: list[set[str]] = []
        for spec in specs:
            for dimension in spec.dimensions:
                dims.setdefault(dimension.variable, []).append(dimension)
            for variable, codes in spec.scope.items():
                scopes.setdefault(variable, []).append(codes)
            used.append({d.variable for d in spec.dimensions} | set(spec.scope))
        self.variables: tuple[str, ...] = tuple(sorted(set(dims) | set(scopes)))
        self.atoms: dict[str, list[Atom]] = {}
        for variable in self.variables:
            self.atoms[variable] = self._atoms(dims.get(variable, []), scopes.get(variable, []))
        shared = set.intersection(*used) if used and decompose else set()
        groups = _components([u - shared for u in used]) if decompose else [set(self.variables)]
        if not groups:
            groups = [set()]
        self.shared: tuple[str, ...] = tuple(sorted(shared))
        self.components: list[tuple[str, ...]] = [
            (*self.shared, *sorted(group - shared)) for group in groups
        ]
        self.sizes = [
            int(np.prod([len(self.atoms[v]) for v in c], dtype=np.int64)) for c in self.components
        ]
        self.offsets = [0, *itertools.accumulate(self.sizes)][:-1]
        self.size = sum(self.sizes)
        if self.size > MAX_FINEST_CELLS:
            raise ValueError(
                f"the release spans {self.size} finest cells (limit {MAX_FINEST_CELLS}); "
                "use coarser dimensions or fewer variables per release"
            )

    def _component(self, variables: set[str]) -> int:
        for index, component in enumerate(self.components):
            if variables <= set(component):
                return index
        raise ValueError("a table falls across two components")  # cannot happen by construction

    def links(self) -> list[npt.NDArray[np.float64]]:
        """Rows (equal to zero) tying every component's shared-atom counts to the first's."""
        out: list[npt.NDArray[np.float64]] = []
        shared_sizes = [len(self.atoms[v]) for v in self.shared]
        for index in range(1, len(self.components)):
            for combo in itertools.product(*(range(n) for n in shared_sizes)):
                row = np.zeros(self.size)
                for sign, part in ((1.0, index), (-1.0, 0)):
                    masks = [np.arange(n) == i for n, i in zip(shared_sizes, combo, strict=True)]
                    rest = [
                        np.ones(len(self.atoms[v]), dtype=bool)
                        for v in self.components[part][len(self.shared) :]
                    ]
                    block = np.ones(1, dtype=bool)
                    for mask in (*masks, *rest):
                        block = np.logical_and.outer(block, mask).ravel()
                    start = self.offsets[part]
                    row[start : start + self.sizes[part]] += sign * block
                out.append(row)
        return out

    @staticmethod
    def _atoms(dimensions: Sequence[Dimension], scopes: Sequence[frozenset[Code]]) -> list[Atom]:
        multi = {d.multi_valued for d in dimensions}
        if len(multi) > 1:
            raise ValueError(
                f"variable {dimensions[0].variable!r} is multi-valued in one table only"
            )
        leaf_sets: list[frozenset[Code]] = [d.leaves[c] for d in dimensions for c in d.codes]
        universe = sorted(frozenset().union(*leaf_sets, *scopes))
        finest: list[Atom]
        if multi == {True}:
            finest = [
                frozenset(combo)
                for size in range(1, len(universe) + 1)
                for combo in itertools.combinations(universe, size)
            ]
        else:
            finest = list(universe)
            if not dimensions:
                # A variable seen only in scopes (the month) also holds records outside every
                # scope; they count in tables without that scope.
                finest.append(OUTSIDE_SCOPES)
        groups: dict[tuple[bool, ...], Atom] = {}
        for code in finest:
            signature = tuple(_covers(s, code) for s in (*leaf_sets, *scopes))
            groups.setdefault(signature, code)  # one representative finest code per atom
        return list(groups.values())

    def row(self, spec: TableSpec, key: CellKey) -> npt.NDArray[np.bool_]:
        """The finest cells that the cell ``key`` of ``spec`` adds up, as a flat 0/1 vector."""
        by_variable = {d.variable: (d, code) for d, code in zip(spec.dimensions, key, strict=True)}
        part = self._component({d.variable for d in spec.dimensions} | set(spec.scope))
        block = np.ones(1, dtype=bool)
        for variable in self.components[part]:
            atoms = self.atoms[variable]
            mask = np.ones(len(atoms), dtype=bool)
            shown = by_variable.get(variable)
            if shown is not None and shown[1] != MARGIN:
                dimension, code = shown
                mask &= np.array([_covers(dimension.leaves[code], a) for a in atoms], dtype=bool)
            scope = spec.scope.get(variable)
            if scope is not None:
                mask &= np.array([_covers(scope, a) for a in atoms], dtype=bool)
            block = np.logical_and.outer(block, mask).ravel()
        out = np.zeros(self.size, dtype=bool)
        out[self.offsets[part] : self.offsets[part] + self.sizes[part]] = block
        return out


def _components(groups: Sequence[set[str]]) -> list[set[str]]:
    """Variables joined whenever one table uses them together (connected components)."""
    merged: list[set[str]] = []
    for group in groups:
        if not group:
            continue
        touching = [m for m in merged if m & group]
        union = set(group).union(*touching)
        merged = [m for m in merged if not (m & group)] + [union]
    return merged


def _covers(codes: frozenset[Code], atom: Atom) -> bool:
    """Whether a finest code (or a child's set of codes) counts under a set of finest codes."""
    if isinstance(atom, frozenset):
        return bool(codes & atom)
    return atom in codes

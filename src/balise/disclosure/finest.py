"""The finest cross-classification behind linked tables, as the suppression engine sees it.

Each variable's finest codes are first merged into *atoms*: codes that every dimension code and
every scope treats alike (ages 0-4 when every table shows age bands). The finest cells are the
product of the atoms of all variables of one unit. Every cell of every table (this release and
earlier ones) is a 0/1 row over those finest cells. The audit builds its own system separately.
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
    """Atoms per variable and the 0/1 row of any cell over their product."""

    def __init__(self, specs: Sequence[TableSpec]) -> None:
        dims: dict[str, list[Dimension]] = {}
        scopes: dict[str, list[frozenset[Code]]] = {}
        for spec in specs:
            for dimension in spec.dimensions:
                dims.setdefault(dimension.variable, []).append(dimension)
            for variable, codes in spec.scope.items():
                scopes.setdefault(variable, []).append(codes)
        self.variables: tuple[str, ...] = tuple(sorted(set(dims) | set(scopes)))
        self.atoms: dict[str, list[Atom]] = {}
        for variable in self.variables:
            self.atoms[variable] = self._atoms(dims.get(variable, []), scopes.get(variable, []))
        self.size = int(np.prod([len(self.atoms[v]) for v in self.variables], dtype=np.int64))
        if self.size > MAX_FINEST_CELLS:
            raise ValueError(
                f"the release spans {self.size} finest cells (limit {MAX_FINEST_CELLS}); "
                "use coarser dimensions or fewer variables per release"
            )

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
        factors: list[npt.NDArray[np.bool_]] = []
        for variable in self.variables:
            atoms = self.atoms[variable]
            mask = np.ones(len(atoms), dtype=bool)
            shown = by_variable.get(variable)
            if shown is not None and shown[1] != MARGIN:
                dimension, code = shown
                mask &= np.array([_covers(dimension.leaves[code], a) for a in atoms], dtype=bool)
            scope = spec.scope.get(variable)
            if scope is not None:
                mask &= np.array([_covers(scope, a) for a in atoms], dtype=bool)
            factors.append(mask)
        out = np.ones(1, dtype=bool)
        for factor in factors:
            out = np.logical_and.outer(out, factor).ravel()
        return out


def _covers(codes: frozenset[Code], atom: Atom) -> bool:
    """Whether a finest code (or a child's set of codes) counts under a set of finest codes."""
    if isinstance(atom, frozenset):
        return bool(codes & atom)
    return atom in codes

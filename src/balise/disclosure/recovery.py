"""The independent recovery attack: try to recover every protected cell of a release from
everything published so far.

It does not reuse the suppression engine. It writes every published cell of the release and of
earlier releases as a sum of finest cells, adds non-negativity and integrality, and asks an
integer program (HiGHS through ``scipy.optimize.milp``) for the smallest and largest value each
withheld cell can take. A linear relaxation would give intervals that are too wide and could
hide a disclosure, so the bounds are integer optima.

A release passes when no withheld cell is determined, every sensitive cell can reach
``max(0, x-protection)`` and ``x+protection``, and no class disclosure (one category holding a
whole non-zero margin) can be proven. A bound that earlier releases alone already force is
reported as ``prior`` and not held against this release: withholding more now cannot undo it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from balise.disclosure.model import (
    DEFAULT_THRESHOLD,
    CountTable,
    DisclosureRules,
    InconsistentReleaseError,
    ReleaseTables,
    TableSpec,
)
from balise.disclosure.types import MARGIN, CellKey, JSONObject, SuppressionReason

__all__ = [
    "CellRecovery",
    "ClassRecovery",
    "PerturbationRecovery",
    "PerturbedCellRecovery",
    "RecoveryReport",
    "attack_perturbed",
    "attack_release",
]

FloatArray = npt.NDArray[np.float64]
#: The recovery attack refuses releases whose finest cross-classification is larger than this.
RECOVERY_MAX_FINEST_CELLS = 200_000
_ELSEWHERE = object()  # any code of a scope-only variable that no scope lists
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CellRecovery:
    """What an attacker can learn about one withheld cell."""

    table: str
    key: CellKey
    cell: Mapping[str, str]
    reason: SuppressionReason
    true_value: int
    lower: int
    upper: float  # math.inf when nothing bounds the cell from above
    required_lower: int | None
    required_upper: int | None
    passed: bool
    note: str

    def to_json(self) -> JSONObject:
        return {
            "table": self.table,
            "cell": dict(self.cell),
            "reason": self.reason,
            "true_value": self.true_value,
            "interval": [self.lower, None if math.isinf(self.upper) else int(self.upper)],
            "required": [self.required_lower, self.required_upper],
            "passed": self.passed,
            "note": self.note,
        }


@dataclass(frozen=True)
class ClassRecovery:
    """Whether an attacker can prove that everyone in a margin shares one category."""

    table: str
    key: CellKey  # the margin: widening around it is what repairs a failure
    cell: Mapping[str, str]
    margin: Mapping[str, str]
    true_value: int
    others_upper: float  # the most people the margin can hold outside the category
    passed: bool
    note: str

    def to_json(self) -> JSONObject:
        return {
            "table": self.table,
            "cell": dict(self.cell),
            "margin": dict(self.margin),
            "true_value": self.true_value,
            "others_upper": None if math.isinf(self.others_upper) else int(self.others_upper),
            "passed": self.passed,
            "note": self.note,
        }


@dataclass(frozen=True)
class RecoveryReport:
    """Per withheld cell and per class-disclosure line: interval, verdict and reason."""

    passed: bool
    cells: tuple[CellRecovery, ...]
    class_checks: tuple[ClassRecovery, ...]
    seconds: float

    @property
    def failures(self) -> list[CellRecovery | ClassRecovery]:
        everything: list[CellRecovery | ClassRecovery] = [*self.cells, *self.class_checks]
        return [c for c in everything if not c.passed]

    def to_json(self) -> JSONObject:
        return {
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "cells": [c.to_json() for c in self.cells],
            "class_checks": [c.to_json() for c in self.class_checks],
        }


class _Attack:
    """The attacker's integer program for one unit: equalities from everything published."""

    def __init__(
        self,
        current: Sequence[CountTable],
        earlier: Sequence[CountTable],
        time_limit: float,
        *,
        decompose: bool = True,
    ) -> None:
        self.time_limit = time_limit
        specs = [t.spec for t in (*current, *earlier)]
        self.partitions = _partitions(specs)
        self._blocks(specs, decompose)
        self.rows: dict[tuple[str, CellKey], BoolArray] = {
            (t.name, key): self._finest(t.spec, key) for t in current for key in t.values
        }
        published = [
            self.rows[(t.name, k)] for t in current for k in t.values if t.published(k) is not None
        ]
        published_values = [
            float(v) for t in current for k in t.values if (v := t.published(k)) is not None
        ]
        prior: list[FloatArray] = []
        prior_values: list[float] = []
        for table in earlier:
            for key in table.values:
                value = table.published(key)
                if value is not None:
                    prior.append(self._finest(table.spec, key).astype(np.float64))
                    prior_values.append(float(value))
        links = self._links()
        # Finest cells that no row tells apart only matter through their sum: keep one column
        # per distinct column (exact, and often several times smaller).
        everything = [*self.rows.values(), *prior, *(r > 0 for r in links), *(r < 0 for r in links)]
        columns = np.unique(np.array(everything, dtype=bool), axis=1, return_index=True)[1]
        # Earlier cells (and block links) that share no finest cell, directly or through one
        # another, with this release's cells are a separate system: they cannot narrow it.
        prior_matrix = _matrix([r[columns] for r in (*prior, *links)], len(columns))
        is_link = np.array([False] * len(prior) + [True] * len(links), dtype=bool)
        reached = np.array([r[columns] for r in self.rows.values()]).any(axis=0)
        kept: BoolArray = np.zeros(len(prior_matrix), dtype=bool)
        for _step in range(len(prior_matrix) + 1):
            kept = np.asarray((prior_matrix[:, reached] != 0).any(axis=1), dtype=bool)
            grown = reached | (prior_matrix[kept] != 0).any(axis=0)
            if (grown == reached).all():
                break
            reached = grown
        self.columns = columns[reached]
        self.size = len(self.columns)
        self.published = _matrix([r[self.columns] for r in published], self.size)
        self.published_values = np.array(published_values)
        self.prior = prior_matrix[kept][:, reached]
        self.prior_values = np.array([*prior_values, *([0.0] * len(links))])[kept]
        self.prior_is_link = is_link[kept]
        self._systems: dict[bool, tuple[Any, FloatArray, FloatArray]] = {}
        self._pools: dict[bool, list[FloatArray]] = {}

    def _blocks(self, specs: Sequence[TableSpec], decompose: bool) -> None:
        """Lay the finest cells out as blocks, one per group of variables used together.

        A variable that every table uses (the year) is repeated in every block; the others
        belong to the block of the tables that use them. Blocks only share those common
        variables, so they are exactly tied by equal counts per common code combination.
        """
        variables = list(self.partitions)
        per_table = [{d.variable for d in s.dimensions} | set(s.scope) for s in specs]
        common = [v for v in variables if decompose and all(v in t for t in per_table)]
        block_of = {v: v for v in variables if v not in common}

        def root(v: str) -> str:
            while block_of[v] != v:
                v = block_of[v]
            return v

        for used in per_table:
            rest = sorted(used - set(common))
            for other in rest[1:]:
                block_of[root(other)] = root(rest[0])
        if not decompose:
            block_of = dict.fromkeys(variables, variables[0]) if variables else {}
            common = []
        roots = sorted({root(v) for v in block_of}) if block_of else []
        self.common = common
        self.blocks: list[list[str]] = [
            common + [v for v in variables if v in block_of and root(v) == r] for r in roots
        ] or [common]
        self.block_sizes = [
            int(np.prod([len(self.partitions[v]) for v in b], dtype=np.int64)) for b in self.blocks
        ]
        self.block_starts = list(np.cumsum([0, *self.block_sizes[:-1]]))
        self.full_size = sum(self.block_sizes)
        if self.full_size > RECOVERY_MAX_FINEST_CELLS:
            raise ValueError(
                f"the release spans {self.full_size} finest cells (audit limit "
                f"{RECOVERY_MAX_FINEST_CELLS}); use coarser dimensions or fewer variables"
            )

    def _links(self) -> list[FloatArray]:
        """Each block's count per common code combination equals the first block's."""
        common_size = int(np.prod([len(self.partitions[v]) for v in self.common], dtype=np.int64))
        out = []
        for b in range(1, len(self.blocks)):
            for combo in range(common_size):  # common variables lead each block's layout
                row = np.zeros(self.full_size)
                for block, sign in ((b, 1.0), (0, -1.0)):
                    width = self.block_sizes[block] // common_size
                    start = int(self.block_starts[block]) + combo * width
                    row[start : start + width] = sign
                out.append(row)
        return out

    def cell(self, table: CountTable, key: CellKey) -> FloatArray:
        """The (merged) finest cells a cell of this release adds up, as a 0/1 vector."""
        return self.rows[(table.name, key)][self.columns].astype(np.float64)

    def _finest(self, spec: TableSpec, key: CellKey) -> BoolArray:
        """The finest cells under ``key``: an outer product of one mask per variable."""
        shown = {d.variable: (d, code) for d, code in zip(spec.dimensions, key, strict=True)}
        used = {d.variable for d in spec.dimensions} | set(spec.scope)
        block = next(i for i, b in enumerate(self.blocks) if used <= set(b))
        out = np.ones(1, dtype=bool)
        for variable in self.blocks[block]:
            blocks = self.partitions[variable]
            mask = np.ones(len(blocks), dtype=bool)
            if variable in shown and shown[variable][1] != MARGIN:
                dimension, code = shown[variable]
                leaves = dimension.leaves[code]
                if dimension.multi_valued:
                    mask &= [bool(leaves & block_[0]) for block_ in blocks]  # type: ignore[operator]  # multi-valued blocks hold frozensets
                else:
                    mask &= [block_[0] in leaves for block_ in blocks]
            if variable in spec.scope:
                mask &= [block_[0] in spec.scope[variable] for block_ in blocks]
            out = (out[:, None] & mask[None, :]).ravel()
        full = np.zeros(self.full_size, dtype=bool)
        start = int(self.block_starts[block])
        full[start : start + self.block_sizes[block]] = out
        return full

    def _system(self, prior_only: bool) -> tuple[Any, FloatArray, FloatArray]:
        """Equalities, their values, and upper bounds (0 under a published zero)."""
        cached = self._systems.get(prior_only)
        if cached is None:
            if prior_only:
                a_eq, b_eq = self.prior, self.prior_values
                counts = ~self.prior_is_link
            else:
                a_eq = np.vstack([self.published, self.prior])
                b_eq = np.concatenate([self.published_values, self.prior_values])
                counts = np.concatenate(
                    [np.ones(len(self.published_values), dtype=bool), ~self.prior_is_link]
                )
            upper = np.full(self.size, np.inf)
            zero_counts = counts & (b_eq == 0)  # a published zero fixes its finest cells
            if zero_counts.any():
                upper[(a_eq[zero_counts] != 0).any(axis=0)] = 0.0
            cached = (csr_array(a_eq), b_eq, upper)
            self._systems[prior_only] = cached
        return cached

    def extreme(self, expr: FloatArray, maximise: bool, *, prior_only: bool) -> float:
        a_eq, b_eq, upper = self._system(prior_only)
        pool = self._pools.setdefault(prior_only, [])
        if not maximise and (expr >= 0).all():
            # A count is never negative: a known table where it is 0 proves the minimum.
            for table in pool:
                if round(float(expr @ table)) == 0:
                    return 0.0
        objective = -expr if maximise else expr
        relaxed = linprog(
            objective,
            A_eq=a_eq if len(b_eq) else None,
            b_eq=b_eq if len(b_eq) else None,
            bounds=np.column_stack([np.zeros(self.size), upper]),
            method="highs",
        )
        if relaxed.status == 3:  # the relaxation is unbounded, hence the integer program
            return math.inf
        if relaxed.status != 0:
            raise InconsistentReleaseError(
                "no table agrees with everything published: the data contradict an earlier "
                "release (late or revised records, or a changed linkage)"
            )
        # The integer optimum lies within the relaxed one, rounded inwards. An integer table
        # already known to agree with everything published that reaches it settles the matter.
        relaxed_value = float(expr @ relaxed.x)
        best = math.floor(relaxed_value + 1e-6) if maximise else math.ceil(relaxed_value - 1e-6)
        if np.allclose(relaxed.x, np.rint(relaxed.x), atol=1e-9):
            pool.append(np.rint(relaxed.x))
        for table in pool:
            if round(float(expr @ table)) == best:
                return float(best)
        result = milp(
            objective,
            constraints=[LinearConstraint(a_eq, b_eq, b_eq)] if len(b_eq) else [],
            integrality=np.ones(self.size),
            bounds=Bounds(np.zeros(self.size), upper),
            options={"time_limit": self.time_limit},
        )
        if result.x is None:
            raise InconsistentReleaseError(
                "no table agrees with everything published: the data contradict an earlier "
                "release (late or revised records, or a changed linkage)"
            )
        # After a time limit the incumbent is used: it never overstates the interval.
        found = np.rint(np.asarray(result.x, dtype=np.float64))
        pool.append(found)
        return float(round(float(expr @ found)))


def _matrix(rows: Sequence[npt.NDArray[Any]], size: int) -> FloatArray:
    if not rows:
        return np.zeros((0, size))
    return np.array(rows, dtype=np.float64)


def _partitions(specs: Sequence[TableSpec]) -> dict[str, list[list[object]]]:
    """Per variable, finest codes grouped by how every code list and scope treats them.

    Grouping finest codes that no published set distinguishes is exact: only their sum matters.
    Multi-valued variables (a child's sectors) have one finest code per non-empty set of codes.
    """
    sets: dict[str, list[frozenset[str]]] = {}
    multi: dict[str, bool] = {}
    for spec in specs:
        for dimension in spec.dimensions:
            sets.setdefault(dimension.variable, []).extend(dimension.leaves.values())
            if multi.setdefault(dimension.variable, dimension.multi_valued) != (
                dimension.multi_valued
            ):
                raise ValueError(f"{dimension.variable!r} is multi-valued in one table only")
        for variable, codes in spec.scope.items():
            sets.setdefault(variable, []).append(codes)
    out: dict[str, list[list[object]]] = {}
    for variable in sorted(sets):
        universe = sorted(frozenset().union(*sets[variable]))
        finest: list[object]
        if multi.get(variable, False):
            finest = [
                frozenset(c for bit, c in enumerate(universe) if mask >> bit & 1)
                for mask in range(1, 2 ** len(universe))
            ]
        else:
            finest = list(universe)
            if variable not in multi:  # only scopes name it: records elsewhere exist too
                finest.append(_ELSEWHERE)
        blocks: dict[tuple[bool, ...], list[object]] = {}
        for code in finest:
            if isinstance(code, frozenset):
                signature = tuple(bool(code & s) for s in sets[variable])
            else:
                signature = tuple(code in s for s in sets[variable])
            blocks.setdefault(signature, []).append(code)
        out[variable] = list(blocks.values())
    return out


def _concentrations(table: CountTable, rules: DisclosureRules) -> list[tuple[CellKey, CellKey]]:
    """Lines where one code under a margin or parent holds its whole non-zero count."""
    pairs: list[tuple[CellKey, CellKey]] = []
    if not rules.class_disclosure:
        return pairs
    for key, total in table.values.items():
        if not total:
            continue
        for position, dimension in enumerate(table.spec.dimensions):
            if rules.class_dimensions is not None and dimension.name not in rules.class_dimensions:
                continue
            head = key[position]
            under = [c for c in dimension.codes if (dimension.parents.get(c) or MARGIN) == head]
            if len(under) < 2:
                continue
            for code in under:
                cell = (*key[:position], code, *key[position + 1 :])
                if table.values[cell] == total:
                    pairs.append((cell, key))
    return pairs


def _requirement(
    reason: SuppressionReason, true_value: int, rules: DisclosureRules
) -> tuple[int | None, int | None]:
    p = rules.protection
    if reason == "threshold" or (reason == "class" and 1 <= true_value < rules.threshold):
        return max(0, true_value - p), true_value + p
    if reason == "zero":
        return 0, p
    return None, None


def attack_release(
    release: ReleaseTables,
    *,
    earlier: Sequence[ReleaseTables] = (),
    rules: DisclosureRules | None = None,
    time_limit: float = 20.0,
) -> RecoveryReport:
    """Compute the feasible interval of every withheld cell and judge the release."""
    started = time.perf_counter()
    rules = rules or release.rules
    cells: list[CellRecovery] = []
    checks: list[ClassRecovery] = []
    for unit in ("children", "situations"):
        current = [t for t in release.tables if t.spec.unit == unit]
        if not current:
            continue
        # A differentially private release is protected by its epsilon, and its noisy
        # figures are no sums of true counts: it is no constraint on the attacker's tables.
        exact = [
            r for r in earlier if "privacy" not in r.metadata and "perturbation" not in r.metadata
        ]
        previous = [t for r in exact for t in r.tables if t.spec.unit == unit]
        attack = _Attack(current, previous, time_limit)
        for table in current:
            for key, reason in table.suppressed.items():
                cells.append(_recover_cell(attack, table, key, reason, rules))
            for cell, margin in _concentrations(table, rules):
                checks.append(_recover_class(attack, table, cell, margin))
    passed = all(c.passed for c in cells) and all(c.passed for c in checks)
    return RecoveryReport(
        passed=passed,
        cells=tuple(cells),
        class_checks=tuple(checks),
        seconds=time.perf_counter() - started,
    )


def _recover_cell(
    attack: _Attack,
    table: CountTable,
    key: CellKey,
    reason: SuppressionReason,
    rules: DisclosureRules,
) -> CellRecovery:
    expr = attack.cell(table, key)
    true_value = table.true_value(key)
    lower = attack.extreme(expr, maximise=False, prior_only=False)
    upper = attack.extreme(expr, maximise=True, prior_only=False)
    need_low, need_up = _requirement(reason, true_value, rules)
    # Each shortfall, with whether earlier releases alone already force the same bound.
    problems: list[tuple[str, bool]] = []
    prior: dict[bool, float] = {}

    def forced(maximise: bool, value: float) -> bool:
        if maximise not in prior:
            prior[maximise] = attack.extreme(expr, maximise=maximise, prior_only=True)
        return prior[maximise] == value

    if lower == upper:
        problems.append(("determined", forced(False, lower) and forced(True, upper)))
    if need_low is not None and lower > need_low:
        problems.append((f"lower bound {int(lower)} above {need_low}", forced(False, lower)))
    if need_up is not None and upper < need_up:
        problems.append((f"upper bound {int(upper)} below {need_up}", forced(True, upper)))
    passed = all(excused for _text, excused in problems)
    text = "; ".join(t for t, _excused in problems)
    if not problems:
        note = "protected"
    elif passed:
        note = f"prior: earlier releases already allow no more ({text})"
    else:
        note = text
    return CellRecovery(
        table=table.name,
        key=key,
        cell=table.cell_dict(key),
        reason=reason,
        true_value=true_value,
        lower=int(lower),
        upper=upper,
        required_lower=need_low,
        required_upper=need_up,
        passed=passed,
        note=note,
    )


def _recover_class(
    attack: _Attack, table: CountTable, cell: CellKey, margin: CellKey
) -> ClassRecovery:
    expr = attack.cell(table, margin) - attack.cell(table, cell)
    others = attack.extreme(expr, maximise=True, prior_only=False)
    passed = others >= 1
    note = "protected" if passed else "an attacker can prove the whole margin is in one category"
    if not passed and attack.extreme(expr, maximise=True, prior_only=True) == others:
        passed = True
        note = "prior: earlier releases already showed this concentration"
    return ClassRecovery(
        table=table.name,
        key=margin,
        cell=table.cell_dict(cell),
        margin=table.cell_dict(margin),
        true_value=table.true_value(cell),
        others_upper=others,
        passed=passed,
        note=note,
    )


# --- perturbed (cell-key) releases ------------------------------------------------------------


@dataclass(frozen=True)
class PerturbedCellRecovery:
    """Whether an attacker can recover one perturbed cell's true value exactly."""

    table: str
    key: CellKey
    cell: Mapping[str, str]
    true_value: int
    published: int
    recovered: bool

    def to_json(self) -> JSONObject:
        return {
            "table": self.table,
            "cell": dict(self.cell),
            "true_value": self.true_value,
            "published": self.published,
            "recovered": self.recovered,
        }


@dataclass(frozen=True)
class PerturbationRecovery:
    """The attack on a perturbed release: which true values everything published pins down.

    ``passed`` when no *protected* value (a count from 1 to ``threshold - 1``, what suppression
    would withhold) is recovered exactly.
    """

    cells: tuple[PerturbedCellRecovery, ...]
    threshold: int
    seconds: float
    solver_calls: int

    @property
    def recovered(self) -> list[PerturbedCellRecovery]:
        return [c for c in self.cells if c.recovered]

    @property
    def protected_recovered(self) -> list[PerturbedCellRecovery]:
        return [c for c in self.recovered if 1 <= c.true_value < self.threshold]

    @property
    def protected_cells(self) -> int:
        return sum(1 for c in self.cells if 1 <= c.true_value < self.threshold)

    @property
    def passed(self) -> bool:
        return not self.protected_recovered

    def summary(self) -> JSONObject:
        return {
            "passed": self.passed,
            "seconds": round(self.seconds, 2),
            "cells_attacked": len(self.cells),
            "protected_cells": self.protected_cells,
            "recovered": len(self.recovered),
            "protected_recovered": len(self.protected_recovered),
            "solver_calls": self.solver_calls,
        }


def attack_perturbed(
    tables: Sequence[CountTable],
    published: Mapping[str, Mapping[CellKey, int]],
    origins: Callable[[int], tuple[int, int]],
    *,
    earlier: Sequence[ReleaseTables] = (),
    earlier_perturbed: Sequence[tuple[ReleaseTables, Callable[[int], tuple[int, int]]]] = (),
    threshold: int = DEFAULT_THRESHOLD,
    time_limit: float = 20.0,
    progress: Callable[[int, int, str], None] | None = None,
) -> PerturbationRecovery:
    """Try to recover every true value of ``tables`` exactly from everything published.

    The attacker knows the ptable (``origins(v)``: the true counts that can be published as
    ``v``), so each published cell of this release and of earlier perturbed releases bounds its
    sum of finest cells; earlier exact releases give equalities; counts are non-negative
    integers. A cell is *recovered* when its smallest and largest feasible values (integer
    programs) coincide. ``tables`` hold the true values (to judge, never given to the attack).
    Each solved table is kept, so most cells are settled by two tables that differ on them.
    """
    started = time.perf_counter()
    out: list[PerturbedCellRecovery] = []
    calls = 0
    done = 0
    total = sum(len(t.values) for t in tables)
    for unit in ("children", "situations"):
        current = [t for t in tables if t.spec.unit == unit]
        if not current:
            continue
        bounded: list[
            tuple[CountTable, Mapping[CellKey, int], Callable[[int], tuple[int, int]]]
        ] = [(t, published[t.name], origins) for t in current]
        for index, (release, their_origins) in enumerate(earlier_perturbed):
            for table in release.tables:
                if table.spec.unit != unit:
                    continue
                renamed = CountTable(
                    spec=TableSpec(
                        name=f"earlier-{index}/{table.name}",
                        unit=table.spec.unit,
                        dimensions=table.spec.dimensions,
                        scope=table.spec.scope,
                    ),
                    values=table.values,
                )
                values: Mapping[CellKey, int] = {
                    k: int(v) for k, v in table.values.items() if v is not None
                }
                bounded.append((renamed, values, their_origins))
        hidden = [
            CountTable(spec=t.spec, values=t.values, suppressed=dict.fromkeys(t.values, "unknown"))
            for t, _values, _origins in bounded
        ]
        exact = [
            r for r in earlier if "privacy" not in r.metadata and "perturbation" not in r.metadata
        ]
        previous = [t for r in exact for t in r.tables if t.spec.unit == unit]
        attack = _Attack(hidden, previous, time_limit)
        rows: list[FloatArray] = []
        lows: list[float] = []
        highs: list[float] = []
        for table, (_true, values, their_origins) in zip(hidden, bounded, strict=True):
            for key, value in values.items():
                low, high = their_origins(value)
                rows.append(attack.cell(table, key))
                lows.append(float(low))
                highs.append(float(high))
        solver = _BoundedAttack(attack, rows, lows, highs, time_limit)
        solver.solve(np.zeros(attack.size))  # a first table within the bounds
        for table in current:
            for key in table.spec.cell_keys():
                done += 1
                if progress is not None and done % 25 == 0:
                    progress(done, total, "attack")
                expr = attack.cell(table, key)
                recovered = solver.determined(expr)
                out.append(
                    PerturbedCellRecovery(
                        table=table.name,
                        key=key,
                        cell=table.cell_dict(key),
                        true_value=table.true_value(key),
                        published=published[table.name][key],
                        recovered=recovered,
                    )
                )
        calls += solver.calls
    if progress is not None:
        progress(total, total, "attack")
    return PerturbationRecovery(
        cells=tuple(out),
        threshold=threshold,
        seconds=time.perf_counter() - started,
        solver_calls=calls,
    )


class _BoundedAttack:
    """Integer tables within the published bounds; a pool of those found settles most cells."""

    def __init__(
        self,
        attack: _Attack,
        rows: Sequence[FloatArray],
        lows: Sequence[float],
        highs: Sequence[float],
        time_limit: float,
    ) -> None:
        a_eq, b_eq, upper = attack._system(prior_only=True)
        matrix = csr_array(np.array(rows))
        self.constraints = [LinearConstraint(matrix, np.array(lows), np.array(highs))]
        if len(b_eq):
            self.constraints.append(LinearConstraint(a_eq, b_eq, b_eq))

        self.size = attack.size
        self.upper = upper
        self.time_limit = time_limit
        self.pool: list[FloatArray] = []
        self.calls = 0

    def solve(
        self, objective: FloatArray, extra: LinearConstraint | None = None
    ) -> FloatArray | None:
        """An integer table within the bounds (optimal for ``objective``); ``None`` when
        ``extra`` leaves none."""
        self.calls += 1
        result = milp(
            objective,
            constraints=[*self.constraints, *([extra] if extra is not None else [])],
            integrality=np.ones(self.size),
            bounds=Bounds(np.zeros(self.size), self.upper),
            options={"time_limit": self.time_limit},
        )
        if result.x is None:
            if extra is not None and result.status == 2:  # infeasible with the extra bound
                return None
            raise InconsistentReleaseError(
                "no table agrees with everything published: the data contradict an "
                "earlier release (late or revised records, or a changed linkage)"
            )
        found = np.rint(np.asarray(result.x, dtype=np.float64))
        self.pool.append(found)
        return found

    def determined(self, expr: FloatArray) -> bool:
        """Whether every integer table within the bounds gives ``expr`` the same value.

        After a time limit the incumbent is used: it can only make a cell look determined
        when it is not (the attack errs on the attacker's side).
        """
        seen = {round(float(expr @ x)) for x in self.pool}
        if len(seen) > 1:
            return False
        (value,) = seen
        # Push the cell up, then down: each optimum also moves many other cells, which keeps
        # the pool diverse (an objective of zero would return near-identical tables).
        highest = self.solve(-expr)
        if highest is None or round(float(expr @ highest)) != value:
            return False
        lowest = self.solve(expr)
        return lowest is not None and round(float(expr @ lowest)) == value

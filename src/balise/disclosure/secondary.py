"""Secondary (complementary) suppression over all tables of a release and earlier releases.

For each protection requirement (a sensitive cell must be able to reach ``x+p`` and
``max(0, x-p)``; a class-disclosed margin must be able to hold someone outside the category; a
withheld cell must not be determined) the engine first asks an attacker program whether the
current pattern already meets it. If not, it solves a *witness* program: find non-negative
integer finest cells that meet the requirement, keep every cell of earlier releases as published,
and change as few (cheap) cells of this release as possible. Every changed cell is withheld. The
witness then stays a feasible table under the new pattern, so a requirement once met stays met:
the loop ends after at most two programs per requirement. Requirements that earlier releases
already make impossible are capped at what those releases alone allow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, hstack, identity, vstack

from balise.disclosure.finest import FinestSpace
from balise.disclosure.model import (
    CountTable,
    DisclosureRules,
    InconsistentReleaseError,
    ReleaseTables,
)
from balise.disclosure.primary import class_disclosures, primary_suppressions
from balise.disclosure.recovery import RecoveryReport, attack_release
from balise.disclosure.types import CellKey, SuppressionReason

__all__ = ["protect_and_attack", "protect_release", "secondary_suppression"]

FloatArray = npt.NDArray[np.float64]

#: Accept a witness whose cost is within this fraction of the optimum: any witness is a valid
#: certificate, and proving optimality is most of the solver's time.
WITNESS_GAP = 0.25
#: Branch-and-bound nodes for one integer witness search; the best witness found by then is
#: used. A node budget, unlike a time budget, gives the same release on a busy machine.
WITNESS_NODES = 300


@dataclass(frozen=True)
class _Requirement:
    expr: FloatArray
    sense: str  # "max": max(expr) must reach target; "min": min(expr) must reach down to target
    target: float
    true: float  # the value of ``expr`` in the true table


class _UnitProblem:
    """All cells of one unit (this release and earlier ones) as rows over finest cells."""

    def __init__(
        self,
        current: Sequence[CountTable],
        earlier: Sequence[CountTable],
        rules: DisclosureRules,
        time_limit: float,
    ) -> None:
        self.rules = rules
        self.time_limit = time_limit
        space = FinestSpace([t.spec for t in (*current, *earlier)])
        self.cells: list[tuple[CountTable, CellKey]] = [(t, k) for t in current for k in t.values]
        rows = [space.row(t.spec, k) for t, k in self.cells]
        earlier_rows = []
        earlier_values = []
        for table in earlier:
            for key in table.values:
                value = table.published(key)
                if value is not None:
                    earlier_rows.append(space.row(table.spec, key))
                    earlier_values.append(float(value))
        links = space.links()
        # Finest cells that no row tells apart behave as one: merge them (exact reduction).
        signs = [link > 0 for link in links] + [link < 0 for link in links]
        stacked = np.array(rows + earlier_rows + signs, dtype=bool)
        _unique, first = np.unique(stacked, axis=1, return_index=True)
        merged = stacked[:, first].astype(np.float64)
        a = merged[: len(rows)]
        e = np.vstack(
            [
                merged[len(rows) : len(rows) + len(earlier_rows)],
                np.array([link[first] for link in links]).reshape(len(links), len(first)),
            ]
        )
        earlier_values += [0.0] * len(links)  # the components agree on the shared counts
        e_values = np.array(earlier_values, dtype=np.float64)
        # Earlier cells about other finest cells (last year's releases) form a separate system
        # that cannot narrow this release: keep only what is connected to this release's cells.
        columns = (a != 0).any(axis=0)
        linked: npt.NDArray[np.bool_] = np.zeros(len(e), dtype=bool)
        while len(e):
            linked = np.asarray((e[:, columns] != 0).any(axis=1), dtype=bool)
            wider = columns | (e[linked] != 0).any(axis=0)
            if (wider == columns).all():
                break
            columns = wider
        self.a: FloatArray = a[:, columns]
        self.e: FloatArray = e[linked][:, columns]
        self.e_values: FloatArray = e_values[linked]
        self.values: FloatArray = np.array(
            [float(t.true_value(k)) for t, k in self.cells], dtype=np.float64
        )
        self.index = {(t.name, k): i for i, (t, k) in enumerate(self.cells)}
        self.size = self.a.shape[1]
        self.value_bound = float(max([*self.values, *self.e_values, 0.0]))
        # Integer tables known to agree with everything published under the current pattern.
        # Withholding more only relaxes the attacker's constraints, so they stay valid.
        self.pool: list[FloatArray] = []

    # -- attacker --------------------------------------------------------------------------
    def _system(self, withheld: set[int], prior: bool) -> tuple[FloatArray, FloatArray]:
        if prior:
            return self.e, self.e_values
        published = [i for i in range(len(self.cells)) if i not in withheld]
        a_eq = np.vstack([self.e, self.a[published]])
        return a_eq, np.concatenate([self.e_values, self.values[published]])

    def bound(self, expr: FloatArray, sense: str, withheld: set[int], *, prior: bool) -> float:
        """The attacker's max (or min) of ``expr`` given what is published."""
        if prior and not len(self.e_values):
            return math.inf if sense == "max" else 0.0  # nothing published before
        a_eq, b_eq = self._system(withheld, prior)
        c = -expr if sense == "max" else expr
        if sense == "max" and self._relaxation(c, a_eq, b_eq) is None:
            return math.inf
        y = self._solve(c, a_eq, b_eq)
        if not prior:
            self.pool.append(y)
        return float(np.round(expr @ y))

    def meets(self, req: _Requirement, withheld: set[int]) -> bool:
        """Whether the attacker's bound already reaches the requirement's target."""
        for y in self.pool:  # tables known to agree with everything published still do
            if _met(float(req.expr @ y), req):
                return True
        a_eq, b_eq = self._system(withheld, prior=False)
        c = -req.expr if req.sense == "max" else req.expr
        relaxed = self._relaxation(c, a_eq, b_eq)
        if relaxed is None:
            return req.sense == "max"
        if not _met(relaxed if req.sense == "min" else -relaxed, req):
            return False  # the integer optimum is no better than the relaxed one
        y = self._solve(c, a_eq, b_eq)
        self.pool.append(y)
        return _met(float(np.round(req.expr @ y)), req)

    def _relaxation(self, c: FloatArray, a_eq: FloatArray, b_eq: FloatArray) -> float | None:
        """The linear relaxation's optimum, ``None`` when unbounded."""
        result = linprog(
            c,
            A_eq=a_eq if len(b_eq) else None,
            b_eq=b_eq if len(b_eq) else None,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 3:
            return None
        if result.status != 0:
            raise InconsistentReleaseError(
                "no table agrees with everything published: the data contradict an earlier "
                "release (late or revised records, or a changed linkage)"
            )
        return float(result.fun) - 1e-6

    def _solve(self, c: FloatArray, a_eq: FloatArray, b_eq: FloatArray) -> FloatArray:
        result = milp(
            c,
            constraints=[LinearConstraint(a_eq, b_eq, b_eq)] if len(b_eq) else [],
            integrality=np.ones(self.size),
            bounds=Bounds(0, np.inf),
            options={"time_limit": self.time_limit},
        )
        if result.x is None:
            raise InconsistentReleaseError(
                "no table agrees with everything published: the data contradict an earlier "
                "release (late or revised records, or a changed linkage)"
            )
        return np.rint(np.asarray(result.x, dtype=np.float64)).astype(np.float64)

    # -- witness ---------------------------------------------------------------------------
    def witness(self, req: _Requirement, withheld: set[int]) -> tuple[set[int], FloatArray] | None:
        """Cells to withhold so that a table meeting ``req`` agrees with all that is published."""
        published = [i for i in range(len(self.cells)) if i not in withheld]
        if not published:
            return None
        return self._witness_l1(req, published)

    def _witness_l1(
        self, req: _Requirement, published: list[int]
    ) -> tuple[set[int], FloatArray] | None:
        """Integer finest cells meeting ``req`` with the least weighted change to this release.

        Each published cell's change costs its weight per unit: a linear stand-in for the cost
        of withholding it that needs no binary variables, so HiGHS solves it quickly and the
        cells that move come out along the cheapest cycles of the linked tables.
        """
        n, m = self.size, len(published)
        a_pub = self.a[published]
        v_pub = self.values[published]
        weights = 1.0 + v_pub if self.rules.cost == "value" else 1.0 + 1e-3 * v_pub
        c = np.concatenate([np.zeros(n), weights, weights])
        # Variables: finest cells y, then each published cell's rise and fall.
        eye = identity(m, format="csr")
        a_eq = vstack(
            [
                hstack([csr_array(self.e), csr_array((len(self.e), 2 * m))]),
                hstack([csr_array(a_pub), -eye, eye]),
            ],
            format="csr",
        )
        b_eq = np.concatenate([self.e_values, v_pub])
        sign = -1.0 if req.sense == "max" else 1.0
        a_ub = csr_array(sign * np.concatenate([req.expr, np.zeros(2 * m)])[None, :])
        b_ub = np.array([sign * req.target])
        relaxed = linprog(
            c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs"
        )
        if relaxed.status != 0:
            return None
        x = np.asarray(relaxed.x, dtype=np.float64)
        if not np.allclose(x[:n], np.rint(x[:n]), atol=1e-9):
            # A fractional optimum is no certificate: ask for integer finest cells.
            result = milp(
                c,
                constraints=[
                    LinearConstraint(a_eq, b_eq, b_eq),
                    LinearConstraint(a_ub, -np.inf, b_ub),
                ],
                integrality=np.concatenate([np.ones(n), np.zeros(2 * m)]),
                bounds=Bounds(0, np.inf),
                options={
                    "time_limit": self.time_limit,
                    "node_limit": WITNESS_NODES,
                    "mip_rel_gap": WITNESS_GAP,
                },
            )
            if result.x is None:
                return None
            x = np.asarray(result.x, dtype=np.float64)
        y = np.rint(x[:n]).astype(np.float64)
        moved = np.abs(a_pub @ y - v_pub) > 0.5
        return {published[i] for i in np.flatnonzero(moved)}, y

    def touching(self, expr: FloatArray, withheld: set[int]) -> set[int]:
        """Published cells sharing a finest cell with ``expr``: the fallback when no witness."""
        support = expr != 0
        return {
            i
            for i in range(len(self.cells))
            if i not in withheld and bool(np.any(self.a[i][support]))
        }


def _requirements(
    problem: _UnitProblem, suppressed: dict[str, dict[CellKey, SuppressionReason]]
) -> list[_Requirement]:
    rules = problem.rules
    p = float(rules.protection)
    reqs: list[_Requirement] = []
    for i, (table, key) in enumerate(problem.cells):
        reason = suppressed[table.name].get(key)
        x = problem.values[i]
        row = problem.a[i]
        if reason == "threshold":
            reqs.append(_Requirement(row, "max", x + p, x))
            reqs.append(_Requirement(row, "min", max(0.0, x - p), x))
        elif reason == "zero":
            reqs.append(_Requirement(row, "max", p, x))
    seen_tables: set[str] = set()
    for table, _key in problem.cells:
        if table.name in seen_tables:
            continue
        seen_tables.add(table.name)
        for cell, margin in class_disclosures(table, rules):
            i = problem.index[(table.name, cell)]
            j = problem.index[(table.name, margin)]
            reqs.append(_Requirement(problem.a[j] - problem.a[i], "max", 1.0, 0.0))
            reqs.append(_Requirement(problem.a[i], "max", problem.values[i] + 1, problem.values[i]))
    # Large sensitive cells first: their witnesses tend to protect the small ones too.
    reqs.sort(key=lambda r: -abs(r.target - r.true))
    return reqs


def _met(value: float, req: _Requirement) -> bool:
    return value >= req.target if req.sense == "max" else value <= req.target


def _protect_unit(
    problem: _UnitProblem, suppressed: dict[str, dict[CellKey, SuppressionReason]]
) -> None:
    withheld = {i for i, (table, key) in enumerate(problem.cells) if key in suppressed[table.name]}
    for req in _requirements(problem, suppressed):
        if problem.meets(req, withheld):
            continue
        prior = problem.bound(req.expr, req.sense, withheld, prior=True)
        if not _met(prior, req):
            # Earlier releases already tell this much: do no worse than them.
            if prior == req.true:
                continue
            req = _Requirement(req.expr, req.sense, prior, req.true)
            if problem.meets(req, withheld):
                continue
        found = problem.witness(req, withheld)
        added = found[0] if found is not None else problem.touching(req.expr, withheld)
        for i in added:
            table, key = problem.cells[i]
            suppressed[table.name].setdefault(key, "secondary")
            withheld.add(i)
        if found is not None:
            problem.pool.append(found[1])


def _engine(
    release: ReleaseTables,
    earlier: Sequence[ReleaseTables],
    rules: DisclosureRules,
    time_limit: float,
) -> tuple[dict[str, dict[CellKey, SuppressionReason]], dict[str, _UnitProblem]]:
    suppressed: dict[str, dict[CellKey, SuppressionReason]] = {
        t.name: primary_suppressions(t, rules) for t in release.tables
    }
    problems = {}
    for unit in ("children", "situations"):
        current = [t for t in release.tables if t.spec.unit == unit]
        if not current:
            continue
        before = [
            t
            for r in earlier
            # Noisy figures (dp.py, cellkey.py) are no exact sums.
            if "privacy" not in r.metadata and "perturbation" not in r.metadata
            for t in r.tables
            if t.spec.unit == unit
        ]
        problems[unit] = _UnitProblem(current, before, rules, time_limit)
        _protect_unit(problems[unit], suppressed)
    return suppressed, problems


def _assemble(
    release: ReleaseTables,
    suppressed: Mapping[str, Mapping[CellKey, SuppressionReason]],
    rules: DisclosureRules,
) -> ReleaseTables:
    tables = tuple(
        CountTable(spec=t.spec, values=t.values, suppressed=dict(suppressed[t.name]))
        for t in release.tables
    )
    return ReleaseTables(metadata=release.metadata, tables=tables, rules=rules)


def secondary_suppression(
    release: ReleaseTables,
    *,
    earlier: Sequence[ReleaseTables] = (),
    rules: DisclosureRules | None = None,
    time_limit: float = 20.0,
) -> ReleaseTables:
    """The engine alone: primary cells and the complementary cells its witnesses choose.

    No attack runs here; :func:`protect_and_attack` adds the independent check and its repair
    loop. Tests use this function to show the engine withstands the recovery attack on its own.
    """
    rules = rules or release.rules
    suppressed, _problems = _engine(release, earlier, rules, time_limit)
    return _assemble(release, suppressed, rules)


def protect_release(
    release: ReleaseTables,
    *,
    earlier: Sequence[ReleaseTables] = (),
    rules: DisclosureRules | None = None,
    time_limit: float = 20.0,
) -> ReleaseTables:
    """Withhold primary and complementary cells so that the release withstands the recovery attack.

    All tables of ``release`` are protected together, and against every cell that ``earlier``
    releases published. ``rules`` defaults to the release's own rules. See
    :func:`protect_and_attack`, which also returns the recovery report.
    """
    protected, _report = protect_and_attack(
        release, earlier=earlier, rules=rules, time_limit=time_limit
    )
    return protected


def protect_and_attack(
    release: ReleaseTables,
    *,
    earlier: Sequence[ReleaseTables] = (),
    rules: DisclosureRules | None = None,
    time_limit: float = 20.0,
) -> tuple[ReleaseTables, RecoveryReport]:
    """Protect ``release`` and return it with the passing report of the independent recovery attack.

    If the audit finds a gap the engine missed, the cells around the failing cell are withheld
    and the attack runs again; as a last resort every cell of that unit in this release is
    withheld, which passes by construction (what remains known was published earlier).
    """
    rules = rules or release.rules
    suppressed, problems = _engine(release, earlier, rules, time_limit)
    for attempt in range(4):
        protected = _assemble(release, suppressed, rules)
        report = attack_release(protected, earlier=earlier, rules=rules, time_limit=time_limit)
        if report.passed:
            return protected, report
        for failure in report.failures:
            table = protected.table(failure.table)
            problem = problems[table.spec.unit]
            extra = problem.touching(problem.a[problem.index[(table.name, failure.key)]], set())
            if attempt >= 2:  # last resort: withhold everything of that unit in this release
                extra = set(range(len(problem.cells)))
            for j in extra:
                other, key = problem.cells[j]
                suppressed[other.name].setdefault(key, "secondary")
    raise RuntimeError("secondary suppression did not reach a passing release")

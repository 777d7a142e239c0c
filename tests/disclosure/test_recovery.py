"""The independent audit: exact integer intervals, verdicts and reasons, checked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balise.disclosure import (
    MARGIN,
    CountTable,
    Dimension,
    DisclosureRules,
    InconsistentReleaseError,
    ReleaseTables,
    TableSpec,
    attack_release,
    build_release,
    build_table,
    protect_release,
)
from balise.disclosure.recovery import _Attack
from balise.disclosure.types import CellKey, Row, SuppressionReason
from tests.disclosure.helpers import SEX, rows_from_counts

TWO = Dimension.flat("arrondissement", ["a", "b"])
COUNTS = {("a", "F"): 3, ("a", "M"): 20, ("b", "F"): 15, ("b", "M"): 30}
RULES = DisclosureRules(class_disclosure=False)


def _release(
    suppressed: dict[CellKey, SuppressionReason],
    counts: dict[tuple[str, str], int] = COUNTS,
    rules: DisclosureRules = RULES,
) -> ReleaseTables:
    rows = rows_from_counts(counts, ("arrondissement", "sex"))
    table = build_table(TableSpec("t", "situations", (TWO, SEX)), rows)
    return ReleaseTables(
        metadata={"id": "r"},
        tables=(CountTable(spec=table.spec, values=table.values, suppressed=suppressed),),
        rules=rules,
    )


def test_it_computes_exact_intervals_of_a_withheld_rectangle() -> None:
    release = _release(
        {("a", "F"): "threshold", ("a", "M"): "secondary", ("b", "F"): "secondary",
         ("b", "M"): "secondary"}
    )  # fmt: skip
    report = attack_release(release)
    intervals = {c.key: (c.lower, c.upper) for c in report.cells}
    # Row a adds to 23, column F to 18, the table to 68: aF in [0, 18], the rest follows.
    assert intervals == {
        ("a", "F"): (0, 18),
        ("a", "M"): (5, 23),
        ("b", "F"): (0, 18),
        ("b", "M"): (27, 45),
    }
    assert report.passed
    first = report.cells[0]
    assert (first.true_value, first.required_lower, first.required_upper) == (3, 0, 8)


def test_it_fails_a_cell_recovered_from_its_margins() -> None:
    report = attack_release(_release({("a", "F"): "threshold"}))
    assert not report.passed
    (cell,) = report.failures
    assert cell.key == ("a", "F")
    assert "determined" in cell.note


def test_it_reports_an_unbounded_interval_when_totals_are_withheld() -> None:
    # Nothing published bounds column F from above once it and the grand total are withheld.
    counts = {("a", "F"): 3, ("a", "M"): 0, ("b", "F"): 15, ("b", "M"): 30}
    suppressed: dict[CellKey, SuppressionReason] = {
        ("a", "F"): "threshold", ("a", MARGIN): "secondary", ("b", "F"): "secondary",
        (MARGIN, "F"): "secondary", ("b", MARGIN): "secondary", (MARGIN, MARGIN): "secondary",
    }  # fmt: skip
    report = attack_release(_release(suppressed, counts))
    a_f = next(c for c in report.cells if c.key == ("a", "F"))
    assert a_f.lower == 0
    assert a_f.upper == math.inf
    assert a_f.passed


def test_it_reports_a_bound_forced_by_an_earlier_release_as_prior() -> None:
    earlier = _release({})  # an old release published everything, aF = 3 included
    current = _release({("a", "F"): "threshold"})
    report = attack_release(current, earlier=[earlier])
    (cell,) = report.cells
    assert (cell.lower, cell.upper) == (3, 3)
    assert cell.passed
    assert cell.note.startswith("prior")


def test_it_refuses_data_that_contradict_an_earlier_release() -> None:
    earlier = _release({}, {**COUNTS, ("b", "M"): 31})
    current = _release({("a", "F"): "threshold"})
    with pytest.raises(InconsistentReleaseError):
        attack_release(current, earlier=[earlier])


def test_it_fails_a_provable_class_disclosure() -> None:
    counts = {("a", "F"): 12, ("a", "M"): 0, ("b", "F"): 15, ("b", "M"): 30}
    rules = DisclosureRules()
    report = attack_release(_release({("a", "F"): "class"}, counts, rules))
    assert not report.passed
    check = next(c for c in report.class_checks if c.cell == {"arrondissement": "a", "sex": "F"})
    assert check.margin == {"arrondissement": "a", "sex": MARGIN}
    assert check.others_upper == 0
    assert not check.passed


def test_it_passes_a_class_disclosure_hidden_by_complementary_cells() -> None:
    counts = {("a", "F"): 12, ("a", "M"): 0, ("b", "F"): 15, ("b", "M"): 30}
    suppressed: dict[CellKey, SuppressionReason] = {
        ("a", "F"): "class", ("a", "M"): "secondary", ("b", "F"): "secondary",
        ("b", "M"): "secondary",
    }  # fmt: skip
    rules = DisclosureRules(class_dimensions=frozenset({"sex"}))
    report = attack_release(_release(suppressed, counts, rules))
    assert report.passed
    assert {c.others_upper for c in report.class_checks} == {12}


def test_it_reports_in_json() -> None:
    report = attack_release(_release({("a", "F"): "threshold"}))
    data = report.to_json()
    assert data["passed"] is False
    assert data["cells"][0]["interval"] == [3, 3]
    assert data["cells"][0]["cell"] == {"arrondissement": "a", "sex": "F"}


def test_it_refuses_a_release_too_fine_to_attack_exactly() -> None:
    # Three tables in a cycle (x*y, y*z, x*z) need the full 60^3 cross-classification.
    many = [str(i) for i in range(60)]
    x, y, z = (Dimension.flat(name, many) for name in "xyz")
    tables = tuple(
        build_table(TableSpec(f"{a.name}{b.name}", "situations", (a, b)), [])
        for a, b in ((x, y), (y, z), (x, z))
    )
    release = ReleaseTables(metadata={}, tables=tables)
    with pytest.raises(ValueError, match="finest cells"):
        attack_release(release)
    with pytest.raises(ValueError, match="finest cells"):
        protect_release(release)


def test_it_excuses_only_the_bound_that_earlier_releases_force() -> None:
    counts = {("a", "F"): 8, ("a", "M"): 1, ("b", "F"): 15, ("b", "M"): 5}
    earlier_rows = rows_from_counts(counts, ("arrondissement", "sex"))
    old = build_table(TableSpec("by_arrondissement", "situations", (TWO,)), earlier_rows)
    earlier = ReleaseTables(metadata={"id": "old"}, tables=(old,))  # published a = 9, b = 20
    suppressed: dict[CellKey, SuppressionReason] = {
        ("a", "F"): "threshold", ("a", "M"): "threshold", ("b", "F"): "secondary",
        ("b", "M"): "threshold",
    }  # fmt: skip
    report = attack_release(_release(suppressed, counts), earlier=[earlier])
    a_f = next(c for c in report.cells if c.key == ("a", "F"))
    # Column F (23) and row b (20) give aF >= 3, enough below 8; the old release's row a (9)
    # caps it at 9 < 13, which withholding more now cannot change.
    assert (a_f.lower, a_f.upper) == (3, 9)
    assert a_f.passed
    assert a_f.note.startswith("prior")
    b_m = next(c for c in report.cells if c.key == ("b", "M"))
    assert not b_m.passed  # capped at 6 by this release's own margins, not by the old one


SECTOR = Dimension.flat("sector", ["police", "health", "youth"], multi_valued=True)
child_record = st.fixed_dictionaries(
    {
        "child": st.integers(0, 30),
        "sector": st.sampled_from(["police", "health", "youth"]),
        "sex": st.sampled_from(["F", "M"]),
        "arrondissement": st.sampled_from(["a", "b"]),
        "year": st.sampled_from(["2024", "2025"]),
    }
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(child_record, min_size=5, max_size=80))
def test_it_gets_the_same_intervals_from_separate_blocks_as_from_the_full_product(
    rows: list[Row],
) -> None:
    year = {"year": frozenset({"2025"})}
    specs = [
        TableSpec("by_sector", "children", (SECTOR,), scope=year),
        TableSpec("by_place_sex", "children", (TWO, SEX), scope=year),
        TableSpec("by_sex", "situations", (SEX,), scope=year),
    ]
    release = protect_release(build_release(specs, rows, rules=DisclosureRules()))
    children = [t for t in release.tables if t.spec.unit == "children"]
    blocks = _Attack(children, [], 20.0)
    full = _Attack(children, [], 20.0, decompose=False)
    assert len(blocks.blocks) == 2
    assert blocks.full_size < full.full_size
    for table in children:
        for key in table.suppressed:
            for maximise in (False, True):
                assert blocks.extreme(
                    blocks.cell(table, key), maximise, prior_only=False
                ) == full.extreme(full.cell(table, key), maximise, prior_only=False)

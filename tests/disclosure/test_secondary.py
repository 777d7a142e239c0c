"""Secondary suppression over linked tables and earlier releases, attacked by the audit."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balise.disclosure import (
    Dimension,
    DisclosureRules,
    ReleaseTables,
    TableSpec,
    attack_release,
    build_release,
    protect_and_attack,
    protect_release,
    release_from_json,
    release_to_json,
    secondary_suppression,
)
from balise.disclosure.types import Row
from tests.disclosure.helpers import (
    AGE_BAND,
    ARRONDISSEMENT,
    MONTHS,
    PLACE,
    PROVINCE,
    SEX,
    rows_from_counts,
)

NO_CLASS = DisclosureRules(class_disclosure=False)


def _protect_each_table_alone(release: ReleaseTables) -> ReleaseTables:
    """The naive way: every table protected as if it were published on its own."""
    tables = tuple(
        protect_release(ReleaseTables(metadata={}, tables=(t,), rules=release.rules)).tables[0]
        for t in release.tables
    )
    return ReleaseTables(metadata=release.metadata, tables=tables, rules=release.rules)


def test_it_completes_a_rectangle_around_a_small_cell() -> None:
    two = Dimension.flat("arrondissement", ["a", "b"])
    counts = {("a", "F"): 3, ("a", "M"): 20, ("b", "F"): 15, ("b", "M"): 30}
    rows = rows_from_counts(counts, ("arrondissement", "sex"))
    release = build_release([TableSpec("t", "situations", (two, SEX))], rows, rules=NO_CLASS)
    protected = protect_release(release)
    # Margins cost more than the interior: the cheapest pattern is the 2x2 interior.
    assert protected.tables[0].suppressed == {
        ("a", "F"): "threshold",
        ("a", "M"): "secondary",
        ("b", "F"): "secondary",
        ("b", "M"): "secondary",
    }


# Known-bad case: the main table hides arrondissement a's girls (3); an extra table of girls
# and boys in province P1 = {a, c} has no small cell, yet P1's girls minus c's girls gives 3.
LINKED_COUNTS = {
    ("a", "F"): 3, ("a", "M"): 20, ("b", "F"): 15, ("b", "M"): 30,
    ("c", "F"): 40, ("c", "M"): 50, ("d", "F"): 14, ("d", "M"): 18,
}  # fmt: skip


def _linked_release() -> ReleaseTables:
    rows = rows_from_counts(LINKED_COUNTS, ("arrondissement", "sex"))
    main = TableSpec("by_arrondissement", "situations", (ARRONDISSEMENT, SEX))
    extra = TableSpec("by_province", "situations", (PROVINCE, SEX))
    return build_release([main, extra], rows, metadata={"id": "2025"}, rules=NO_CLASS)


def test_it_fails_linked_tables_protected_one_by_one() -> None:
    release = _linked_release()
    naive = _protect_each_table_alone(release)
    assert not naive.table("by_province").suppressed  # the extra table looks safe alone
    report = attack_release(naive)
    assert not report.passed
    recovered = {c.key: (c.lower, c.upper) for c in report.cells if c.lower == c.upper}
    assert recovered[("a", "F")] == (3, 3)


def test_it_passes_linked_tables_protected_together() -> None:
    protected, report = protect_and_attack(_linked_release())
    assert report.passed
    assert attack_release(protected).passed
    a_f = next(c for c in report.cells if c.key == ("a", "F"))
    assert a_f.lower <= 0
    assert a_f.upper >= 8


# Differencing: the half-year release published every cell; the annual release must hide
# arrondissement a's girls (3, all from the second half), and the half-year figures tell
# the attacker what the second half added elsewhere.
FIRST_HALF = {("a", "M"): 20, ("b", "F"): 15, ("b", "M"): 30, ("c", "F"): 12, ("c", "M"): 25}
SECOND_HALF = {("a", "F"): 3, ("c", "F"): 2}


def _periods() -> tuple[ReleaseTables, ReleaseTables]:
    two_halves = [
        {**row, "month": month}
        for counts, month in ((FIRST_HALF, "2025-03"), (SECOND_HALF, "2025-09"))
        for row in rows_from_counts(counts, ("arrondissement", "sex"))
    ]
    three = Dimension.flat("arrondissement", ["a", "b", "c"])
    ytd = TableSpec("t", "situations", (three, SEX), scope={"month": frozenset(MONTHS[:6])})
    annual = TableSpec("t", "situations", (three, SEX), scope={"month": frozenset(MONTHS)})
    first = protect_release(build_release([ytd], two_halves, rules=NO_CLASS))
    assert first.suppressed_count == 0
    published = release_from_json(release_to_json(first))
    return published, build_release([annual], two_halves, rules=NO_CLASS)


def test_it_fails_a_release_that_ignores_what_was_published_before() -> None:
    earlier, annual = _periods()
    naive = protect_release(annual)
    assert attack_release(naive).passed  # fine on its own...
    report = attack_release(naive, earlier=[earlier])  # ...not beside the half-year release
    assert not report.passed
    assert any(c.key == ("a", "F") and c.upper < 8 for c in report.cells if not c.passed)


def test_it_passes_a_release_protected_against_earlier_ones() -> None:
    earlier, annual = _periods()
    protected = secondary_suppression(annual, earlier=[earlier])
    assert attack_release(protected, earlier=[earlier]).passed


def test_it_hides_a_class_disclosure() -> None:
    counts = {("a", "F"): 12, ("b", "F"): 15, ("b", "M"): 30, ("c", "F"): 11, ("c", "M"): 14}
    rows = rows_from_counts(counts, ("arrondissement", "sex"))
    three = Dimension.flat("arrondissement", ["a", "b", "c"])
    rules = DisclosureRules(class_dimensions=frozenset({"sex"}))
    release = build_release([TableSpec("t", "situations", (three, SEX))], rows, rules=rules)
    protected = secondary_suppression(release)
    assert protected.tables[0].suppressed[("a", "F")] == "class"
    report = attack_release(protected)
    assert report.passed
    assert report.class_checks
    assert all(c.others_upper >= 1 for c in report.class_checks)


def test_it_protects_children_known_to_several_sectors() -> None:
    sector = Dimension.flat("sector", ["police", "health", "youth"], multi_valued=True)
    rows: list[Row] = []
    for child in range(60):
        sectors = ["police"] if child % 3 else ["police", "health"]
        if child % 11 == 0:
            sectors.append("youth")
        for s in sectors:
            rows.append({"child": child, "sector": s, "sex": "F" if child % 2 else "M"})
    release = build_release([TableSpec("c", "children", (sector, SEX))], rows, rules=NO_CLASS)
    protected = secondary_suppression(release)
    assert protected.suppressed_count > 0
    assert attack_release(protected).passed


# -- property tests: random microdata through protect -> audit -----------------------------

SECTOR = Dimension.flat("sector", ["police", "health", "youth"], multi_valued=True)
SPECS = (
    TableSpec("place_sex", "situations", (PLACE, SEX)),
    TableSpec("province_age", "situations", (PROVINCE, AGE_BAND)),
    TableSpec("sex_age", "situations", (SEX, AGE_BAND)),
    TableSpec("arrondissement", "situations", (ARRONDISSEMENT,)),
    TableSpec("sex_first_half", "situations", (SEX,), scope={"month": frozenset(MONTHS[:6])}),
    TableSpec("children_sector_sex", "children", (SECTOR, SEX)),
    TableSpec("children_place", "children", (PLACE,)),
)

record = st.fixed_dictionaries(
    {
        "arrondissement": st.sampled_from(["a", "b", "c", "d"]),
        "sex": st.sampled_from(["F", "M"]),
        "age": st.sampled_from(["3", "9", "13", "16"]),
        "month": st.sampled_from(["2025-02", "2025-05", "2025-08", "2025-11"]),
        "child": st.integers(0, 40),
        "sector": st.sampled_from(["police", "health", "youth"]),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(record, min_size=0, max_size=120),
    tables=st.lists(st.sampled_from(SPECS), min_size=1, max_size=4, unique_by=lambda s: s.name),
    class_rule=st.booleans(),
)
def test_it_always_yields_releases_that_pass_the_audit(
    rows: list[Row], tables: list[TableSpec], class_rule: bool
) -> None:
    rules = DisclosureRules(class_disclosure=class_rule, class_dimensions=frozenset({"sex"}))
    release = build_release(tables, rows, rules=rules)
    protected = secondary_suppression(release)  # the engine alone, without the repair loop
    report = attack_release(protected)
    assert report.passed, [c.note for c in report.failures]
    assert all(c.lower < c.upper or c.note.startswith("prior") for c in report.cells)
    for table in protected.tables:
        for key, reason in table.suppressed.items():
            if reason == "threshold":
                assert 1 <= table.true_value(key) < rules.threshold


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(record, min_size=10, max_size=120))
def test_it_always_protects_an_annual_release_against_the_half_year(rows: list[Row]) -> None:
    spec = (PLACE, SEX)
    ytd = TableSpec("t", "situations", spec, scope={"month": frozenset(MONTHS[:6])})
    annual = TableSpec("t", "situations", spec, scope={"month": frozenset(MONTHS)})
    first = protect_release(build_release([ytd], rows, rules=NO_CLASS))
    earlier = release_from_json(release_to_json(first))
    second = secondary_suppression(build_release([annual], rows, rules=NO_CLASS), earlier=[earlier])
    assert attack_release(second, earlier=[earlier]).passed


def test_it_withholds_the_neighbourhood_when_no_witness_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from balise.disclosure import secondary

    def no_witness(*args: object, **kwargs: object) -> None:
        return None

    monkeypatch.setattr(secondary._UnitProblem, "_witness_l1", no_witness)
    protected = secondary_suppression(_linked_release())
    assert protected.suppressed_count > 4
    assert attack_release(protected).passed


def test_it_sets_aside_earlier_releases_about_other_periods() -> None:
    rows = [
        {**row, "year": year}
        for year in ("2024", "2025")
        for row in rows_from_counts(LINKED_COUNTS, ("arrondissement", "sex"))
    ]
    specs = {
        year: [
            TableSpec(name, "situations", dims, scope={"year": frozenset({year})})
            for name, dims in (("main", (ARRONDISSEMENT, SEX)), ("extra", (PROVINCE, SEX)))
        ]
        for year in ("2024", "2025")
    }
    last_year = protect_release(build_release(specs["2024"], rows, rules=NO_CLASS))
    current = build_release(specs["2025"], rows, rules=NO_CLASS)
    alone = secondary_suppression(current)
    beside = secondary_suppression(current, earlier=[last_year])
    assert {t.name: t.suppressed for t in beside.tables} == {
        t.name: t.suppressed for t in alone.tables
    }
    assert attack_release(beside, earlier=[last_year]).passed


def test_it_repairs_whatever_the_audit_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    from balise.disclosure import secondary

    def primary_only(*args: object, **kwargs: object) -> None:
        return None

    monkeypatch.setattr(secondary, "_protect_unit", primary_only)
    release = _linked_release()
    assert not attack_release(secondary_suppression(release)).passed
    protected, report = protect_and_attack(release)
    assert report.passed
    assert attack_release(protected).passed

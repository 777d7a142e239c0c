"""Tabulation from microdata, checked against hand-computed counts."""

from __future__ import annotations

import pytest

from balise.disclosure import MARGIN, Dimension, TableSpec, build_release, build_table
from tests.disclosure.helpers import MONTHS, PLACE, SEX

SECTOR = Dimension.flat("sector", ["police", "health", "youth"], multi_valued=True)


def test_it_counts_situations_into_every_cell_and_margin() -> None:
    rows = [
        {"arrondissement": "a", "sex": "F"},
        {"arrondissement": "a", "sex": "M"},
        {"arrondissement": "c", "sex": "F"},
        {"arrondissement": "b", "sex": "F"},
    ]
    table = build_table(TableSpec("t", "situations", (PLACE, SEX)), rows)
    assert table.values[("a", "F")] == 1
    assert table.values[("P1", "F")] == 2
    assert table.values[("P1", MARGIN)] == 3
    assert table.values[("P2", "M")] == 0
    assert table.values[(MARGIN, "F")] == 3
    assert table.values[(MARGIN, MARGIN)] == 4
    assert len(table.values) == 7 * 3


def test_it_counts_each_child_once_per_cell() -> None:
    rows = [
        {"child": 1, "sex": "F", "sector": "police"},
        {"child": 1, "sex": "F", "sector": "health"},
        {"child": 1, "sex": "F", "sector": "police"},
        {"child": 2, "sex": "M", "sector": "police"},
    ]
    children = build_table(TableSpec("c", "children", (SECTOR, SEX)), rows)
    situations = build_table(
        TableSpec("s", "situations", (Dimension.flat("sector", ["police", "health", "youth"]),)),
        rows,
    )
    assert children.values[("police", "F")] == 1
    assert children.values[("health", "F")] == 1
    assert children.values[("police", MARGIN)] == 2
    assert children.values[(MARGIN, MARGIN)] == 2  # not 3: a child known to two sectors
    assert situations.values[("police",)] == 3
    assert situations.values[(MARGIN,)] == 4


def test_it_takes_single_valued_facts_from_a_childs_first_situation() -> None:
    rows = [
        {"child": 1, "arrondissement": "a", "month": "2025-02"},
        {"child": 1, "arrondissement": "b", "month": "2025-09"},
    ]
    first_half = frozenset(MONTHS[:6])
    spec = TableSpec("c", "children", (PLACE,), scope={"month": first_half})
    table = build_table(spec, rows)
    assert table.values[("a",)] == 1
    assert table.values[("b",)] == 0


def test_it_restricts_a_table_to_its_scope() -> None:
    rows = [{"sex": "F", "month": m} for m in MONTHS]
    spec = TableSpec("t", "situations", (SEX,), scope={"month": frozenset(MONTHS[:3])})
    assert build_table(spec, rows).values[("F",)] == 3


def test_it_names_the_row_of_an_unknown_code() -> None:
    rows = [{"sex": "F"}, {"sex": "Q"}]
    with pytest.raises(ValueError, match=r"row 1: code 'Q'"):
        build_table(TableSpec("t", "situations", (SEX,)), rows)


def test_it_refuses_multi_valued_dimensions_for_situations() -> None:
    with pytest.raises(ValueError, match="one code per variable"):
        build_table(TableSpec("t", "situations", (SECTOR,)), [{"sector": "police"}])


def test_it_builds_every_table_of_a_release_from_the_same_rows() -> None:
    rows = [{"sex": "F", "arrondissement": "a"}] * 3
    release = build_release(
        [TableSpec("a", "situations", (SEX,)), TableSpec("b", "situations", (PLACE,))],
        rows,
        metadata={"id": "r"},
    )
    assert [t.name for t in release.tables] == ["a", "b"]
    assert release.table("b").values[("P1",)] == 3

"""The table model: dimensions, code trees, cells in publication order."""

from __future__ import annotations

import pytest

from balise.disclosure import MARGIN, Dimension, TableSpec
from tests.disclosure.helpers import PLACE, PROVINCE, SEX


def test_it_derives_leaves_of_a_code_tree() -> None:
    assert PLACE.leaves["P1"] == frozenset({"a", "c"})
    assert PLACE.leaves["b"] == frozenset({"b"})
    assert PLACE.universe == frozenset({"a", "b", "c", "d"})
    assert PLACE.siblings() == {MARGIN: ("P1", "P2"), "P1": ("a", "c"), "P2": ("b", "d")}


def test_it_counts_a_record_under_its_code_its_ancestors_and_the_margin() -> None:
    assert PLACE.codes_of("c") == ("P1", "c", MARGIN)
    assert PROVINCE.codes_of("d") == ("P2", MARGIN)


def test_it_counts_a_multi_valued_record_under_each_of_its_codes() -> None:
    sector = Dimension.flat("sector", ["police", "health", "youth"], multi_valued=True)
    assert sector.codes_of(frozenset({"police", "youth"})) == ("police", "youth", MARGIN)


def test_it_rejects_overlapping_groups() -> None:
    with pytest.raises(ValueError, match="overlap"):
        Dimension.grouped("band", {"0-11": ["1", "2"], "10-17": ["2", "3"]}, variable="age")


def test_it_rejects_the_margin_code_and_repeated_codes() -> None:
    with pytest.raises(ValueError, match="reserved"):
        Dimension.flat("sex", ["F", MARGIN])
    with pytest.raises(ValueError, match="repeats"):
        Dimension.flat("sex", ["F", "F"])


def test_it_rejects_a_multi_valued_variable_with_too_many_codes() -> None:
    with pytest.raises(ValueError, match="at most"):
        Dimension.flat("sector", [str(i) for i in range(9)], multi_valued=True)


def test_it_lists_every_cell_with_margins_in_publication_order() -> None:
    spec = TableSpec("t", "situations", (PROVINCE, SEX))
    assert list(spec.cell_keys()) == [
        ("P1", "F"), ("P1", "M"), ("P1", MARGIN),
        ("P2", "F"), ("P2", "M"), ("P2", MARGIN),
        (MARGIN, "F"), (MARGIN, "M"), (MARGIN, MARGIN),
    ]  # fmt: skip


def test_it_rejects_a_table_showing_one_variable_twice() -> None:
    with pytest.raises(ValueError, match="one variable in two"):
        TableSpec("t", "situations", (PROVINCE, PLACE))


def test_it_rejects_a_scope_outside_the_code_list() -> None:
    with pytest.raises(ValueError, match="scope outside"):
        TableSpec("t", "situations", (PROVINCE,), scope={"arrondissement": frozenset({"zz"})})

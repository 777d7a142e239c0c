"""Suggestions to coarsen: fewer cells withheld at coarser granularity."""

from __future__ import annotations

import pytest

from balise.disclosure import DisclosureRules, TableSpec, suggest_coarsening
from balise.disclosure.types import Row
from tests.disclosure.helpers import AGE_BAND, ARRONDISSEMENT, PROVINCE, SEX, WIDE_AGE


def _rows() -> list[Row]:
    # Arrondissements a and b are small, c and d large; provinces pool a with c, b with d.
    sizes = {"a": 4, "b": 6, "c": 40, "d": 50}
    return [
        {"arrondissement": arr, "sex": "FM"[i % 2], "age": str(i % 18)}
        for arr, n in sizes.items()
        for i in range(n)
    ]


def test_it_reports_fewer_withheld_cells_by_province_than_by_arrondissement() -> None:
    spec = TableSpec("t", "situations", (ARRONDISSEMENT, SEX))
    options = suggest_coarsening(
        spec, _rows(), {"arrondissement": [PROVINCE]}, rules=DisclosureRules(class_disclosure=False)
    )
    drafted, by_province = options
    assert drafted.replaced is None
    assert drafted.dimensions == ("arrondissement", "sex")
    assert drafted.cells == 15
    assert drafted.primary == 6  # a (2 girls, 2 boys, 4) and b (3, 3, 6): all below 10
    assert drafted.suppressed > drafted.primary
    assert by_province.replaced == "arrondissement"
    assert by_province.dimensions == ("province", "sex")
    assert by_province.suppressed == 0
    assert by_province.suppressed_share < drafted.suppressed_share


def test_it_orders_alternatives_from_least_to_most_withheld() -> None:
    spec = TableSpec("t", "situations", (ARRONDISSEMENT, AGE_BAND))
    options = suggest_coarsening(
        spec,
        _rows(),
        {"arrondissement": [PROVINCE], "age_band": [WIDE_AGE]},
        rules=DisclosureRules(class_disclosure=False),
    )
    shares = [o.suppressed_share for o in options[1:]]
    assert shares == sorted(shares)


def test_it_rejects_an_alternative_over_another_variable() -> None:
    spec = TableSpec("t", "situations", (ARRONDISSEMENT, SEX))
    with pytest.raises(ValueError, match="does not classify"):
        suggest_coarsening(spec, _rows(), {"arrondissement": [WIDE_AGE]})


def test_it_previews_primary_cells_only_when_asked() -> None:
    spec = TableSpec("t", "situations", (ARRONDISSEMENT, SEX))
    rules = DisclosureRules(class_disclosure=False)
    drafted, by_province = suggest_coarsening(
        spec, _rows(), {"arrondissement": [PROVINCE]}, rules=rules, secondary=False
    )
    assert drafted.suppressed == drafted.primary == 6
    assert by_province.suppressed == 0

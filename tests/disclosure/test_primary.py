"""Primary suppression: the threshold rule, zeros, and class disclosure."""

from __future__ import annotations

from balise.disclosure import (
    MARGIN,
    DisclosureRules,
    TableSpec,
    build_table,
    class_disclosures,
    primary_suppressions,
)
from tests.disclosure.helpers import ARRONDISSEMENT, SEX, rows_from_counts

COUNTS = {
    ("a", "F"): 3, ("a", "M"): 20,
    ("b", "F"): 15, ("b", "M"): 9,
    ("c", "F"): 12, ("c", "M"): 0,
    ("d", "F"): 10, ("d", "M"): 11,
}  # fmt: skip


def test_it_withholds_counts_below_the_threshold_but_not_zeros() -> None:
    rows = rows_from_counts(COUNTS, ("arrondissement", "sex"))
    table = build_table(TableSpec("t", "situations", (ARRONDISSEMENT, SEX)), rows)
    rules = DisclosureRules(class_disclosure=False)
    assert primary_suppressions(table, rules) == {("a", "F"): "threshold", ("b", "M"): "threshold"}


def test_it_withholds_zeros_when_asked() -> None:
    rows = rows_from_counts(COUNTS, ("arrondissement", "sex"))
    table = build_table(TableSpec("t", "situations", (ARRONDISSEMENT, SEX)), rows)
    rules = DisclosureRules(class_disclosure=False, suppress_zeros=True)
    assert primary_suppressions(table, rules)[("c", "M")] == "zero"


def test_it_follows_a_configured_threshold() -> None:
    rows = rows_from_counts(COUNTS, ("arrondissement", "sex"))
    table = build_table(TableSpec("t", "situations", (ARRONDISSEMENT, SEX)), rows)
    rules = DisclosureRules(threshold=4, class_disclosure=False)
    assert set(primary_suppressions(table, rules)) == {("a", "F")}


def test_it_flags_a_category_holding_a_whole_margin() -> None:
    rows = rows_from_counts(COUNTS, ("arrondissement", "sex"))
    table = build_table(TableSpec("t", "situations", (ARRONDISSEMENT, SEX)), rows)
    # Every victim in arrondissement c is a girl: (c, F) holds the whole margin (c, *).
    assert class_disclosures(table, DisclosureRules()) == [(("c", "F"), ("c", MARGIN))]
    assert primary_suppressions(table, DisclosureRules())[("c", "F")] == "class"


def test_it_flags_class_disclosure_only_on_chosen_dimensions() -> None:
    rows = rows_from_counts(COUNTS, ("arrondissement", "sex"))
    table = build_table(TableSpec("t", "situations", (ARRONDISSEMENT, SEX)), rows)
    assert class_disclosures(table, DisclosureRules(class_dimensions=frozenset({"sex"})))
    assert not class_disclosures(
        table, DisclosureRules(class_dimensions=frozenset({"arrondissement"}))
    )

"""Cell-key perturbation: the ptable, consistency across tables and releases, the attack."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from balise.disclosure import Dimension, DisclosureRules, TableSpec, build_release
from balise.disclosure.cellkey import (
    PTable,
    perturb_release,
    perturbed_release_to_json,
    record_key,
)
from balise.disclosure.jsonio import release_from_json, release_to_json
from balise.disclosure.recovery import attack_perturbed
from balise.disclosure.types import MARGIN, Row
from tests.disclosure.helpers import AGE_BAND, SEX

PTABLE = PTable.build()
SECRET = b"cell-key tests"
FORM = Dimension.flat("form", ["sexual", "labour", "other"])
YEAR = {"year": frozenset({"2025"})}


def _rows(n: int, seed: int) -> list[Row]:
    rng = random.Random(seed)
    return [
        {
            "child": f"c{rng.randrange(max(1, n * 3 // 4))}",
            "record": index,
            "sex": rng.choice(["F", "M"]),
            "age": str(rng.randint(0, 17)),
            "form": rng.choices(["sexual", "labour", "other"], [5, 2, 1])[0],
            "year": "2025",
        }
        for index in range(n)
    ]


def _specs() -> list[TableSpec]:
    return [
        TableSpec("children_by_sex_age", "children", (SEX, AGE_BAND), scope=YEAR),
        TableSpec("children_by_form", "children", (FORM,), scope=YEAR),
        TableSpec("children_by_form_sex", "children", (FORM, SEX), scope=YEAR),
        TableSpec("situations_by_sex", "situations", (SEX,), scope=YEAR),
    ]


def test_it_builds_an_unbiased_bounded_ptable_without_small_values() -> None:
    for value in range(0, 40):
        distribution = PTABLE.distribution(value)
        assert sum(distribution.values()) == pytest.approx(1.0)
        mean = sum(v * p for v, p in distribution.items())
        assert mean == pytest.approx(value, abs=0.01)
        for published in distribution:
            assert abs(published - value) <= PTABLE.max_noise
            assert published == 0 or published > PTABLE.never_published
        low, high = PTABLE.origins(PTABLE.perturb(value, 0))
        assert low <= value <= high
    assert PTABLE.distribution(0) == {0: 1.0}  # a cell nobody is in has no key: it stays 0
    assert PTable.build() == PTABLE  # deterministic: rebuilt from its JSON parameters
    assert PTable.from_json(PTABLE.to_json()) == PTABLE


@settings(max_examples=40, deadline=None)
@given(value=st.integers(min_value=0, max_value=200), key=st.integers(min_value=0))
def test_it_never_publishes_one_or_two_and_stays_within_the_noise(value: int, key: int) -> None:
    published = PTABLE.perturb(value, key)
    assert published not in (1, 2)
    assert abs(published - value) <= PTABLE.max_noise
    assert published >= 0


def test_it_gives_the_same_cell_the_same_value_in_every_table_and_release() -> None:
    rows = _rows(400, 3)
    first = perturb_release(_specs(), rows, secret=SECRET)
    totals = {
        first.published[t.name][(MARGIN,) * len(t.spec.dimensions)] for t in first.true.tables
    }
    children_totals = {
        first.published[t.name][(MARGIN,) * len(t.spec.dimensions)]
        for t in first.true.tables
        if t.spec.unit == "children"
    }
    assert len(children_totals) == 1  # the children total is one cell, whatever the table
    assert len(totals) == 2  # situations are other contributors: another cell
    # The form margin of the form x sex table is the form table itself, cell by cell.
    by_form = first.published["children_by_form"]
    by_form_sex = first.published["children_by_form_sex"]
    for form in FORM.codes:
        assert by_form[(form,)] == by_form_sex[(form, MARGIN)]
    # Another release, later, with other tables and rows in another order: same cells, same values.
    shuffled = list(reversed(rows))
    shuffled.sort(key=lambda r: r["record"])  # chronology decides a child's first situation
    second = perturb_release(
        [TableSpec("children_by_form_sex", "children", (FORM, SEX), scope=YEAR)],
        shuffled,
        secret=SECRET,
    )
    assert second.published["children_by_form_sex"] == by_form_sex
    # Without the secret an attacker draws other keys: other noise.
    other = perturb_release(_specs(), rows, secret=b"another secret")
    assert other.published != first.published


def test_it_perturbs_each_margin_by_its_own_key_so_tables_need_not_add_up() -> None:
    release = perturb_release(_specs(), _rows(400, 5), secret=SECRET)
    sums_differ = 0
    for table in release.true.tables:
        published = release.published[table.name]
        keys = release.cell_keys[table.name]
        for cell in table.values:
            value = table.true_value(cell)
            # Every cell, margins included, is the ptable applied to its own true value and key.
            assert published[cell] == PTABLE.perturb(value, keys[cell])
        if len(table.spec.dimensions) == 1:
            (dimension,) = table.spec.dimensions
            interior = sum(published[(code,)] for code in dimension.codes)
            sums_differ += interior != published[(MARGIN,)]
    assert sums_differ >= 1  # documented: additivity is not kept (docs/disclosure.md)
    assert release.mean_absolute_error < 2


def test_it_keys_children_by_cluster_and_situations_by_record() -> None:
    rows = [
        {"child": "a", "record": 1, "sex": "F", "age": "12", "form": "sexual", "year": "2025"},
        {"child": "a", "record": 2, "sex": "F", "age": "12", "form": "sexual", "year": "2025"},
    ]
    release = perturb_release(_specs(), rows, secret=SECRET)
    children = release.cell_keys["children_by_form"][(MARGIN,)]
    situations = release.cell_keys["situations_by_sex"][(MARGIN,)]
    assert children == record_key(SECRET, "child:a")
    assert situations == (record_key(SECRET, "situation:1") + record_key(SECRET, "situation:2")) % (
        PTABLE.key_range
    )
    with pytest.raises(ValueError, match="record"):
        perturb_release(
            _specs(), [{k: v for k, v in rows[0].items() if k != "record"}], secret=SECRET
        )


def test_it_keeps_the_json_contract_and_says_how_much_noise() -> None:
    release = perturb_release(_specs(), _rows(300, 2), secret=SECRET, metadata={"id": "2025"})
    document = perturbed_release_to_json(release)
    for table in document["tables"]:
        assert all(isinstance(cell["value"], int) for cell in table["cells"])
    summary = document["release"]["perturbation"]
    assert summary["method"] == "cell key"
    assert summary["mean_absolute_error"] == round(release.mean_absolute_error, 2)
    assert "key" not in str(document["tables"])  # never a cell key
    assert release_from_json(document).suppressed_count == 0


def test_the_attack_finds_no_small_count_in_a_perturbed_release() -> None:
    release = perturb_release(_specs(), _rows(60, 1), secret=SECRET)
    audit = attack_perturbed(release.true.tables, release.published, PTABLE.origins)
    assert audit.protected_cells > 0
    assert audit.passed
    assert audit.protected_recovered == []
    assert len(audit.cells) == release.true.cell_count


def test_the_attack_recovers_values_that_are_not_protected() -> None:
    release = perturb_release(_specs(), _rows(200, 4), secret=SECRET)
    # Figures published unperturbed: every value is recovered.
    true = {t.name: {k: t.true_value(k) for k in t.values} for t in release.true.tables}
    exact = attack_perturbed(release.true.tables, true, lambda v: (v, v))
    assert exact.recovered
    assert not exact.passed
    # An earlier exact release of the same table gives the attacker the true values back.
    form = next(t for t in release.true.tables if t.name == "children_by_form")
    earlier = release_from_json(
        release_to_json(
            build_release(
                [form.spec],
                _rows(200, 4),
                metadata={"id": "earlier"},
                rules=DisclosureRules(threshold=1),
            )
        )
    )
    audit = attack_perturbed(
        release.true.tables, release.published, PTABLE.origins, earlier=[earlier]
    )
    recovered = {(c.table, c.key) for c in audit.recovered}
    assert {("children_by_form", k) for k in form.values} <= recovered

"""The optional differential-privacy mode (skipped when OpenDP is not installed)."""

from __future__ import annotations

import pytest

pytest.importorskip("opendp")

from balise.disclosure import MARGIN, Dimension, TableSpec
from balise.disclosure.dp import (
    PrivacyBudgetExceeded,
    PrivacyLedger,
    dp_release,
    dp_release_to_json,
)
from balise.disclosure.types import Row
from tests.disclosure.helpers import PLACE, SEX

SECTOR = Dimension.flat("sector", ["police", "health", "youth"], multi_valued=True)


def _rows() -> list[Row]:
    return [
        {
            "child": i % 70,
            "arrondissement": "abcd"[i % 4],
            "sex": "FM"[i % 2],
            "sector": ("police", "health", "youth")[i % 3],
        }
        for i in range(210)
    ]


def test_it_sets_the_noise_from_epsilon_and_a_childs_contributions() -> None:
    ledger = PrivacyLedger()
    release = dp_release(
        [TableSpec("place", "children", (PLACE, SEX)), TableSpec("sector", "children", (SECTOR,))],
        _rows(),
        epsilon={"place": 1.0, "sector": 0.5},
        ledger=ledger,
        release_id="2025",
    )
    place, sector = release.tables
    assert (place.contributions, place.scale) == (1, 1.0)
    # A child may hold all three sectors and counts in the margin too: 4 counts, noise 4/0.5.
    assert (sector.contributions, sector.scale) == (4, 8.0)
    assert place.error_95[("a", "F")] == pytest.approx(3.4, abs=0.1)
    assert place.error_95[(MARGIN, MARGIN)] > place.error_95[("a", "F")]


def test_it_publishes_counts_close_to_the_truth_when_epsilon_is_large() -> None:
    release = dp_release(
        [TableSpec("place", "children", (PLACE, SEX))],
        _rows(),
        epsilon=1000.0,
        ledger=PrivacyLedger(),
        release_id="r",
    )
    values = release.tables[0].values
    assert values[(MARGIN, MARGIN)] == 70  # each child once
    assert values[("P1", MARGIN)] == values[("a", MARGIN)] + values[("c", MARGIN)]


def test_it_keeps_at_most_a_few_situations_per_child() -> None:
    rows: list[Row] = [{"child": 1, "sex": "F"} for _ in range(20)]
    rows.append({"child": 2, "sex": "M"})
    release = dp_release(
        [TableSpec("s", "situations", (SEX,))],
        rows,
        epsilon=1000.0,
        ledger=PrivacyLedger(),
        release_id="r",
        max_situations_per_child=5,
    )
    assert release.tables[0].values[("F",)] == 5
    assert release.tables[0].contributions == 5


def test_it_adds_epsilons_up_across_releases_and_refuses_beyond_the_budget() -> None:
    ledger = PrivacyLedger(budget=2.0)
    spec = TableSpec("sex", "children", (SEX,))
    other = TableSpec("place", "children", (PLACE,))
    dp_release([spec], _rows(), epsilon=1.5, ledger=ledger, release_id="2024")
    with pytest.raises(PrivacyBudgetExceeded):
        dp_release([spec, other], _rows(), epsilon=0.5, ledger=ledger, release_id="2025")
    assert ledger.total == 1.5  # nothing charged for the refused release
    dp_release([spec], _rows(), epsilon=0.5, ledger=ledger, release_id="2025")
    assert ledger.total == 2.0
    assert PrivacyLedger.from_json(ledger.to_json()) == ledger


def test_it_writes_the_contract_with_error_margins_beside_each_cell() -> None:
    ledger = PrivacyLedger()
    spec = TableSpec("place", "children", (PLACE, SEX))
    data = dp_release_to_json(
        dp_release([spec], _rows(), epsilon=1.0, ledger=ledger, release_id="2025"), ledger
    )
    table = data["tables"][0]
    assert set(table) == {"name", "unit", "dimensions", "cells"}
    assert all(isinstance(c["value"], int) and c["value"] >= 0 for c in table["cells"])
    privacy = data["release"]["privacy"]
    assert len(privacy["error_95"]["place"]) == len(table["cells"])
    assert privacy["tables"]["place"]["epsilon"] == 1.0
    assert privacy["cumulative_epsilon"] == 1.0


def test_it_is_set_aside_when_protecting_against_earlier_releases() -> None:
    from balise.disclosure import attack_release, build_release, protect_release, release_from_json

    spec = TableSpec("place", "children", (PLACE, SEX))
    noisy = dp_release([spec], _rows(), epsilon=0.1, ledger=PrivacyLedger(), release_id="dp")
    earlier = release_from_json(dp_release_to_json(noisy))
    current = build_release([spec], _rows())
    protected = protect_release(current, earlier=[earlier])  # no InconsistentReleaseError
    assert attack_release(protected, earlier=[earlier]).passed

from __future__ import annotations

from balise.observatory.selectors import Filters, breakdown, overlap, totals
from tests.observatory.conftest import Network


def test_it_counts_situations_children_and_several_sectors(linked: Network) -> None:
    assert totals(Filters()) == {"situations": 6, "children": 4, "multi_sector_children": 1}
    assert totals(Filters(values={"sector": "police"})) == {
        "situations": 4,
        "children": 3,
        "multi_sector_children": 0,
    }
    assert totals(Filters(values={"year": 2024})) == {
        "situations": 0,
        "children": 0,
        "multi_sector_children": 0,
    }


def test_it_builds_the_sector_overlap_matrix(linked: Network) -> None:
    sectors, matrix = overlap(Filters())
    assert sectors == ["police", "youth_aid"]
    assert matrix == {
        ("police", "police"): 3,
        ("youth_aid", "youth_aid"): 2,
        ("police", "youth_aid"): 1,
        ("youth_aid", "police"): 1,
    }


def test_it_breaks_down_single_and_multi_valued_facts(linked: Network) -> None:
    by_gender = {r.code: (r.situations, r.children) for r in breakdown("gender", Filters())}
    assert by_gender == {"girl": (3, 2), "boy": (2, 1), "unknown": (1, 1)}
    by_quarter = {r.code: (r.situations, r.children) for r in breakdown("quarter", Filters())}
    assert by_quarter == {"1": (2, 2), "2": (3, 3), "3": (1, 1)}
    forms = {r.code: (r.situations, r.children) for r in breakdown("forms", Filters())}
    # valid_data records prostitution + online_sextortion; Senait trafficking only.
    assert forms == {
        "prostitution": (5, 3),
        "online_sextortion": (5, 3),
        "trafficking_sexual": (1, 1),
    }
    assert {r.code for r in breakdown("age_group", Filters())} == {"p_12_17", "unknown"}
    girls = Filters(values={"gender": "girl"}, form="trafficking_sexual")
    assert totals(girls)["situations"] == 1
    assert breakdown("unaccompanied", Filters(values={"unaccompanied": True}))[0].situations == 6

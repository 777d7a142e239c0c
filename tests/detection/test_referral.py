"""Where to refer a child: postcode → province → services, from detection/data/services.json."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from django.test import Client

from balise.detection import referral
from balise.taxonomy.loader import load

URL = "/detection/services/"


def test_it_covers_every_arrondissement_of_the_dictionary() -> None:
    geography = load()["geography"]
    arrondissements = {e.code for e in geography if e.level == "arrondissement" and not e.retired}
    data = json.loads(referral.DATA.read_text(encoding="utf-8"))
    assert set(data["arrondissements"]) == arrondissements
    for code, entry in data["arrondissements"].items():
        # French Community (SAJ) in Wallonia and Brussels, Flemish centres in Flanders and Brussels.
        region = geography.entry(code).raw["region"]
        assert bool(entry.get("saj")) == (region in {"03000", "04000"}), code
        assert bool(entry.get("flemish_vk")) == (region in {"02000", "04000"}), code
        assert entry["judicial"] in data["judicial_arrondissements"]
    assert len(data["saj_divisions"]) == 13  # one SAJ per division of the French Community


def test_it_covers_every_postcode_once() -> None:
    data = json.loads(referral.DATA.read_text(encoding="utf-8"))
    ranges = sorted((r["from"], r["to"]) for r in data["postcode_ranges"])
    assert ranges[0][0] == 1000
    assert ranges[-1][1] == 9999
    for (_start, end), (next_start, _end) in pairwise(ranges):
        assert next_start == end + 1
    assert all(source["url"].startswith("https://") for source in data["sources"])


@pytest.mark.parametrize(
    ("postcode", "province"),
    [
        ("1070", "04000"),
        ("B-1348", "20002"),
        ("3090", "20001"),
        ("3600", "70000"),
        ("4000", "60000"),
        ("5000", "90000"),
        ("6000", "50000"),
        ("6700", "80000"),
        ("7500", "50000"),
        ("8000", "30000"),
        ("9000", "40000"),
    ],
)
def test_it_finds_the_province_of_a_postcode(postcode: str, province: str) -> None:
    assert referral.province_of_postcode(postcode) == province


@pytest.mark.parametrize("postcode", ["", "999", "12345", "abcd", "0999"])
def test_it_refuses_what_is_not_a_belgian_postcode(postcode: str) -> None:
    assert referral.province_of_postcode(postcode) is None


def test_it_answers_at_once_when_the_province_has_one_division() -> None:
    brussels = referral.find(postcode="1000", language="fr")
    assert brussels.referral is not None
    assert brussels.referral.saj_division == "Bruxelles"
    assert brussels.referral.flemish_centre == "Bruxelles"
    nivelles = referral.find(postcode="1300", language="en")
    assert nivelles.referral is not None
    assert nivelles.referral.saj_division == "Nivelles (Walloon Brabant)"
    assert nivelles.referral.judicial_arrondissement == "Walloon Brabant"
    west = referral.find(postcode="8500", language="nl")
    assert west.referral is not None
    assert west.referral.flemish_centre == "West-Vlaanderen"
    assert west.referral.saj_division == ""


def test_it_asks_the_arrondissement_when_the_postcode_is_not_enough() -> None:
    hainaut = referral.find(postcode="6000", language="fr")
    assert hainaut.referral is None
    assert dict(hainaut.choices)["52000"] == "Charleroi"
    charleroi = referral.find(arrondissement="52000", language="fr")
    assert charleroi.referral is not None
    assert charleroi.referral.saj_division == "Charleroi"
    assert charleroi.referral.judicial_arrondissement == "Hainaut"


def test_it_says_where_the_german_speaking_community_is_competent() -> None:
    verviers = referral.find(arrondissement="63000")
    assert verviers.referral is not None
    assert verviers.referral.german_speaking


@pytest.mark.django_db
def test_it_shows_the_services_of_a_postcode_in_the_readers_language(client: Client) -> None:
    response = client.get(URL, {"postcode": "1348"}, headers={"accept-language": "nl"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nijvel (Waals-Brabant)" in html
    assert 'href="tel:112"' in html
    assert "https://www.aidealajeunesse.cfwb.be/" in html


@pytest.mark.django_db
def test_it_offers_the_arrondissements_of_a_shared_province(client: Client) -> None:
    response = client.get(URL, {"postcode": "6000"}, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert f'href="{URL}?arrondissement=52000"' in response.content.decode()


@pytest.mark.django_db
def test_it_says_what_is_wrong_with_an_unknown_postcode(client: Client) -> None:
    response = client.get(URL, {"postcode": "75001"}, headers={"accept-language": "en"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_it_links_the_finder_from_the_result(client: Client) -> None:
    response = client.post("/detection/", {"vulnerabilities": ["in_care"]})
    assert f'href="{URL}"' in response.content.decode()

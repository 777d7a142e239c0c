"""The data dictionary: every file valid, every code labelled, Belgian geography complete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from balise.accounts.models import Region, Sector
from balise.taxonomy.checks import check_dictionary
from balise.taxonomy.loader import (
    DATA_DIR,
    LANGUAGES,
    age_group_for,
    current_version,
    fold,
    load,
    region_of,
    validate_version_dir,
    validate_vocabulary,
    vocabulary,
)

VOCABULARIES = [
    "sectors", "forms", "recruitment_channels", "places", "vulnerabilities", "signs", "actions",
    "statuses", "genders", "citizenship_groups", "age_groups", "geography",
]  # fmt: skip


def test_it_finds_no_problem_in_any_version() -> None:
    for folder in sorted(p for p in DATA_DIR.iterdir() if p.is_dir()):
        assert validate_version_dir(folder) == []
    assert check_dictionary() == []


def test_it_holds_every_agreed_vocabulary() -> None:
    assert sorted(load().vocabularies) == sorted(VOCABULARIES)
    assert current_version() == "1"


@pytest.mark.parametrize("name", VOCABULARIES)
def test_it_labels_every_code_in_french_dutch_and_english(name: str) -> None:
    for entry in vocabulary(name):
        assert set(entry.labels) >= set(LANGUAGES)
        assert all(entry.labels[language].strip() for language in LANGUAGES)


def test_it_has_the_complete_belgian_geography() -> None:
    geography = vocabulary("geography")
    by_level = {
        level: [e for e in geography if e.level == level]
        for level in ("region", "province", "arrondissement")
    }
    assert len(by_level["region"]) == 3
    assert len(by_level["province"]) == 10
    assert len(by_level["arrondissement"]) == 43
    assert {e.code for e in by_level["region"]} == {r.value for r in Region}
    # Brussels-Capital has one arrondissement and no province.
    assert geography.entry("21000").parent == "04000"
    assert geography.label("21000", "nl") == "Brussel-Hoofdstad"
    # Since 2019: Tournai-Mouscron (57000) and La Louvière (58000); Mouscron (54000) is gone.
    assert geography.label("57000", "fr") == "Tournai-Mouscron"
    assert "58000" in geography
    assert "54000" not in geography
    for entry in by_level["arrondissement"]:
        assert region_of(entry.code) in {"02000", "03000", "04000"}
        assert entry.code.isdigit()
        assert len(entry.code) == 5


@pytest.mark.parametrize(
    ("code", "region"),
    [("11000", "02000"), ("24000", "02000"), ("25000", "03000"), ("62000", "03000"),
     ("93000", "03000"), ("21000", "04000"), ("73000", "02000"), ("85000", "03000")],
)  # fmt: skip
def test_it_places_arrondissements_in_their_region(code: str, region: str) -> None:
    assert region_of(code) == region


def test_it_has_the_sector_codes_of_the_accounts_app() -> None:
    sectors = vocabulary("sectors")
    assert sectors.codes() == {s.value for s in Sector}
    assert all(e.mappings.get("htcds_organisation_type") for e in sectors)


def test_it_maps_forms_to_eurostat() -> None:
    for entry in vocabulary("forms"):
        assert entry.mappings["eurostat_thb"] in {"sexual", "other"}


def test_it_gives_choices_in_the_active_language() -> None:
    genders = vocabulary("genders")
    with translation.override("nl"):
        assert ("girl", "Meisje") in genders.choices()
    with translation.override("fr"):
        assert ("girl", "Fille") in genders.choices()
    assert genders.label("boy", "en") == "Boy"


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("genders", "MEISJE", "girl"),
        ("genders", " fille ", "girl"),
        ("forms", "mariage force ou precoce", "forced_marriage"),
        ("forms", "Gedwongen of vroeg huwelijk", "forced_marriage"),
        ("geography", "luik", "62000"),
        ("geography", "Liège", "62000"),
        ("geography", "Doornik-Moeskroen", "57000"),
        ("statuses", "presumed", "presumed"),
        ("genders", "femme", None),
    ],
)
def test_it_finds_codes_from_french_or_dutch_labels(name: str, text: str, code: str | None) -> None:
    assert vocabulary(name).code_from_label(text) == code


def test_it_folds_case_accents_and_quotes() -> None:
    assert fold("« Loverboy »  /  Manipulation") == fold("loverboy / manipulation")
    assert fold("Élève") == "eleve"


@pytest.mark.parametrize(
    ("age", "scheme", "code"),
    [(3, "primero", "p_0_4"), (11, "primero", "p_5_11"), (17, "primero", "p_12_17"),
     (13, "fine", "f_12_13"), (16, "fine", "f_16_17"), (9, "fine", "f_0_11")],
)  # fmt: skip
def test_it_finds_age_groups(age: int, scheme: str, code: str) -> None:
    assert age_group_for(age, scheme) == code


def test_it_groups_signs_as_the_detection_tools_do() -> None:
    signs = vocabulary("signs")
    grouped = signs.grouped()
    assert len(grouped) == len(signs.groups) > 1
    assert sum(len(entries) for _, entries in grouped) == len(signs.codes())


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (DATA_DIR / "v1" / "genders.json").read_text(encoding="utf-8")
    )
    return document


def test_it_reports_a_missing_label() -> None:
    document = _document()
    document["entries"][0]["labels"].pop("nl")
    assert validate_vocabulary("genders", document) == ["genders.girl: labels lacks a nl text"]


def test_it_reports_a_duplicate_code() -> None:
    document = _document()
    entries = document["entries"]
    assert isinstance(entries, list)
    entries.append({**entries[0], "labels": {"fr": "x", "nl": "y", "en": "z"}})
    assert "genders.girl: code appears twice" in validate_vocabulary("genders", document)


def test_it_reports_an_undeclared_group_and_a_missing_parent() -> None:
    document = _document()
    entries = document["entries"]
    assert isinstance(entries, list)
    entries[0]["parent"] = "nowhere"
    document["groups"] = [{"code": "g", "labels": {"fr": "g", "nl": "g", "en": "g"}}]
    problems = validate_vocabulary("genders", document)
    assert "genders.girl: parent 'nowhere' does not exist" in problems
    assert "genders.boy: group None is not declared" in problems


def test_it_reports_an_ambiguous_label() -> None:
    document = _document()
    entries = document["entries"]
    assert isinstance(entries, list)
    entries[1]["labels"] = {**entries[1]["labels"], "en": "Fille"}
    assert any("names both" in p for p in validate_vocabulary("genders", document))


def test_it_reports_a_code_dropped_by_a_later_version(tmp_path: Path) -> None:
    import shutil

    for version in ("v1", "v2"):
        shutil.copytree(DATA_DIR / "v1", tmp_path / version)
    manifest = json.loads((tmp_path / "v2" / "manifest.json").read_text())
    manifest["version"] = "2"
    (tmp_path / "v2" / "manifest.json").write_text(json.dumps(manifest))
    genders = json.loads((tmp_path / "v2" / "genders.json").read_text())
    genders["entries"] = [e for e in genders["entries"] if e["code"] != "other"]
    (tmp_path / "v2" / "genders.json").write_text(json.dumps(genders))
    assert validate_version_dir(tmp_path / "v2") == ["v2/genders: code 'other' of v1 was dropped"]

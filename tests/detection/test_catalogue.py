"""The checklist's data: both vocabularies load, carry FR/NL/EN texts and the documented weights."""

from __future__ import annotations

import pytest

from balise.detection.catalogue import load_catalogue
from balise.detection.rule import Recency
from balise.taxonomy.loader import LANGUAGES, vocabulary

RECENT, EARLIER = Recency.LAST_6_MONTHS.value, Recency.SIX_TO_12_MONTHS.value


def test_it_builds_sections_in_file_order() -> None:
    catalogue = load_catalogue()
    signs = vocabulary("signs")
    assert [s.group.code for s in catalogue.sign_sections] == [g.code for g in signs.groups]
    assert catalogue.sign_codes == [e.code for e in signs if not e.retired]
    assert set(catalogue.indicators) == set(catalogue.sign_codes) | set(
        catalogue.vulnerability_codes
    )


def test_it_groups_signs_as_the_established_tools_do() -> None:
    groups = {s.group.code for s in load_catalogue().sign_sections}
    assert {"appearance", "behaviour", "relationships", "education", "sexual_health"} <= groups
    assert {"online", "money", "mobility", "self_image"} <= groups


def test_it_gives_every_vulnerability_one_point() -> None:
    catalogue = load_catalogue()
    for code in catalogue.vulnerability_codes:
        assert catalogue.indicators[code].points == {"present": 1}, code


def test_it_weighs_signs_as_documented() -> None:
    catalogue = load_catalogue()
    for code in catalogue.sign_codes:
        indicator = catalogue.indicators[code]
        expected = {RECENT: 5, EARLIER: 1} if indicator.significant else {RECENT: 1, EARLIER: 0}
        assert dict(indicator.points) == expected, code
        if indicator.immediate_danger:
            assert indicator.significant, code


def test_it_has_immediate_danger_signs() -> None:
    catalogue = load_catalogue()
    danger = {c for c in catalogue.sign_codes if catalogue.indicators[c].immediate_danger}
    assert {"forced_sexual_acts", "sex_for_money_or_goods", "missing_now"} <= danger


@pytest.mark.parametrize("name", ["vulnerabilities", "signs"])
def test_it_has_labels_help_and_sources_in_every_language(name: str) -> None:
    vocab = vocabulary(name)
    declared = {s["id"] for s in vocab.sources}
    for entry in vocab:
        for language in LANGUAGES:
            assert entry.labels[language].strip(), (entry.code, language)
            assert entry.help[language].strip(), (entry.code, language)
            assert len(entry.help[language]) <= 160, (entry.code, language)
        assert entry.raw["sources"], entry.code
        assert set(entry.raw["sources"]) <= declared, entry.code


def test_it_cites_the_agreed_sources() -> None:
    used = {s for e in vocabulary("signs") for s in e.raw["sources"]}
    used |= {s for e in vocabulary("vulnerabilities") for s in e.raw["sources"]}
    assert {"seraf", "spotting_the_signs", "nl_signals", "fr_gov", "ecpat_police_guide"} <= used

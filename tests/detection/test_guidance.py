"""Parsing guidance texts: steps and contact lines (no database)."""

from __future__ import annotations

import pytest

from balise.detection.defaults import DEFAULT_GUIDANCE
from balise.detection.guidance import Contact, ContactsError, parse_contacts, steps
from balise.detection.models import GuidanceKey


def test_it_splits_steps_on_lines() -> None:
    assert steps("  one \n\n two\n") == ["one", "two"]


def test_it_parses_contacts() -> None:
    contacts = parse_contacts("Child Focus | 116 000 | 24/7\nSAJ | | local\nPolice|101")
    assert contacts == [
        Contact("Child Focus", "116 000", "24/7"),
        Contact("SAJ", "", "local"),
        Contact("Police", "101", ""),
    ]
    assert contacts[0].tel == "116000"
    assert Contact("Abroad", "+32 2 475 44 11", "").tel == "+3224754411"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (" | 101 | x", (1, "name")),
        ("ok | 101\nA | B | C | D", (2, "fields")),
        ("Police | call | x", (1, "phone")),
        ("Police | 101 | " + "x" * 400, (1, "length")),
    ],
)
def test_it_names_bad_contact_lines(body: str, problem: tuple[int, str]) -> None:
    with pytest.raises(ContactsError) as caught:
        parse_contacts(body)
    assert caught.value.problems == [problem]


def test_it_ships_defaults_for_every_key_and_language() -> None:
    assert set(DEFAULT_GUIDANCE) == set(GuidanceKey.values)
    for key, texts in DEFAULT_GUIDANCE.items():
        assert set(texts) == {"fr", "nl", "en"}, key
        assert all(len(steps(body)) >= 3 for body in texts.values()), key
    for body in DEFAULT_GUIDANCE["contacts"].values():
        names = " ".join(c.name for c in parse_contacts(body))
        numbers = {c.tel for c in parse_contacts(body)}
        assert {"112", "101", "116000", "103", "102"} <= numbers
        assert "Child Focus" in names
        assert "CPVS" in names
        assert "SAJ" in names


def test_it_seeds_every_key_and_language_in_the_migration() -> None:
    import importlib

    migration = importlib.import_module("balise.detection.migrations.0002_seed_guidance")
    assert set(migration.SEED) == set(GuidanceKey.values)
    for texts in migration.SEED.values():
        assert set(texts) == {"fr", "nl", "en"}
    for body in migration.SEED["contacts"].values():
        assert len(parse_contacts(body)) >= 8

"""Normalisation: idempotent, and it folds what Belgian registers do to one name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balise.linkage.normalise import (
    InvalidField,
    clean,
    first_name_forms,
    fold,
    last_name_forms,
    parse_birth_date,
    parse_sex,
)


@given(st.text(max_size=40))
def test_it_cleans_idempotently(text: str) -> None:
    once = " ".join(clean(text))
    assert " ".join(clean(once)) == once


@given(st.from_regex(r"[a-z]{0,20}", fullmatch=True))
def test_it_folds_idempotently(word: str) -> None:
    assert fold(fold(word)) == fold(word)


@pytest.mark.parametrize(
    "variants",
    [
        ("Van den Broeck", "Vandenbroeck", "VAN DEN BROECK", "van den broeck"),
        ("El Amrani", "Elamrani", "EL-AMRANI"),
        ("De la Croix", "Delacroix", "DE LA CROIX"),
        ("D'Hondt", "DHONDT", "d’Hondt"),
    ],
)
def test_it_folds_particles_and_case_of_last_names(variants: tuple[str, ...]) -> None:
    assert len({last_name_forms(v) for v in variants}) == 1


def test_it_keeps_the_core_of_a_last_name_without_particles() -> None:
    assert last_name_forms("Broeck").words[0] in last_name_forms("Van den Broeck").words
    assert last_name_forms("Amrani").words[0] in last_name_forms("El Amrani").words


@pytest.mark.parametrize(
    "variants",
    [
        ("Mohamed", "Mohammed", "Muhammad", "Mohammad", "Mouhamed"),
        ("Youssef", "Yousef", "Youcef", "Yusuf", "Youssouf"),
        ("Aicha", "Aisha", "Aïcha", "AICHA"),
        ("Hussein", "Hossein", "Husain"),
        ("Gebremedhin", "Ghebremedhin"),
        ("Tesfaye", "Tesfay"),
        ("Abdirahman", "Abdurahman", "Abderrahmane"),
    ],
)
def test_it_gives_transliteration_variants_one_skeleton(variants: tuple[str, ...]) -> None:
    assert len({first_name_forms(v).skeletons for v in variants}) == 1


def test_it_splits_hyphenated_first_names() -> None:
    assert first_name_forms("Marie-Louise").words == first_name_forms("marie louise").words
    assert first_name_forms("Marie").words[0] in first_name_forms("Marie-Louise").words


@pytest.mark.parametrize("text", ["2010-02-30", "2011-02-29", "2010-13-01", "1899", "10/03/2010"])
def test_it_refuses_impossible_dates(text: str) -> None:
    with pytest.raises(InvalidField) as error:
        parse_birth_date(text)
    assert error.value.field == "birth_date"


def test_it_reads_partial_dates() -> None:
    assert parse_birth_date("2012").month is None
    assert parse_birth_date("2012-02").day is None
    assert parse_birth_date("2012-02-29").day == 29
    assert parse_birth_date("") == parse_birth_date("  ")


def test_it_refuses_unknown_sex_codes() -> None:
    assert parse_sex(" f ") == "F"
    with pytest.raises(InvalidField):
        parse_sex("W")

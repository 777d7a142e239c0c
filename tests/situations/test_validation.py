"""validate_situation_data: one validation for the form, the import and the API."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.utils import timezone, translation

from balise.situations.validation import (
    SituationValidationError,
    is_identity_field,
    validate_field,
    validate_situation_data,
)
from balise.taxonomy.loader import current_version
from tests.situations.conftest import VALID_ENCODING, VALID_KEY_ID, VALID_VERSION, valid_data


def issues_of(data: dict[str, object], *, accept_labels: bool = False) -> dict[str, str]:
    with pytest.raises(SituationValidationError) as caught:
        validate_situation_data(data, accept_labels=accept_labels)
    return {issue.path: issue.code for issue in caught.value.issues}


def test_it_accepts_a_valid_situation_and_normalises_it() -> None:
    cleaned = validate_situation_data(valid_data(detection_month="2025-03"))
    assert cleaned.detection_month == date(2025, 3, 1)
    assert cleaned.forms == ["prostitution", "online_sextortion"]
    assert cleaned.dictionary_version == current_version()
    assert cleaned.note is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2024-11", date(2024, 11, 1)),
        ("2024-11-23", date(2024, 11, 1)),
        ("23/11/2024", date(2024, 11, 1)),
        ("11/2024", date(2024, 11, 1)),
        (date(2024, 11, 23), date(2024, 11, 1)),
    ],
)
def test_it_reads_belgian_and_iso_months(given: object, expected: date) -> None:
    assert validate_situation_data(valid_data(detection_month=given)).detection_month == expected


def test_it_lists_every_problem_with_its_path() -> None:
    found = issues_of(
        valid_data(
            detection_month="2025-13",
            arrondissement="99999",
            age_years=19,
            gender="woman",
            forms=["prostitution", "nonsense", "other_nonsense"],
            status="",
        )
    )
    assert found == {
        "detection_month": "invalid",
        "arrondissement": "unknown_code",
        "age_years": "out_of_range",
        "gender": "unknown_code",
        "forms[1]": "unknown_code",
        "forms[2]": "unknown_code",
        "status": "required",
    }


def test_it_requires_at_least_one_form() -> None:
    assert issues_of(valid_data(forms=[])) == {"forms": "required"}


def test_it_refuses_a_future_month() -> None:
    next_year = timezone.localdate().year + 1
    assert issues_of(valid_data(detection_month=f"{next_year}-01")) == {"detection_month": "future"}


def test_it_refuses_a_province_as_arrondissement() -> None:
    assert issues_of(valid_data(arrondissement="10000")) == {"arrondissement": "unknown_code"}


def test_it_refuses_unknown_fields_and_identity_fields() -> None:
    found = issues_of(valid_data(first_name="x", Date_de_naissance="x", colour="blue"))
    assert found == {
        "first_name": "identity_field",
        "Date_de_naissance": "identity_field",
        "colour": "unknown_field",
    }


@pytest.mark.parametrize(
    "key",
    [
        "first_name",
        "last_name",
        "name",
        "Nom",
        "Prénom",
        "birth_date",
        "DOB",
        "date_of_birth",
        "Geboortedatum",
        "voornaam",
        "family-name",
    ],
)
def test_it_recognises_identity_field_names(key: str) -> None:
    assert is_identity_field(key)


@pytest.mark.parametrize("key", ["reference", "gender", "age_years", "identity_key_id", "note"])
def test_it_does_not_mistake_situation_fields_for_identity(key: str) -> None:
    assert not is_identity_field(key)


def test_it_accepts_labels_only_when_asked() -> None:
    data = valid_data(
        gender="Meisje",
        arrondissement="bruxelles-capitale",
        forms="Exploitation dans la prostitution|MARIAGE FORCE OU PRECOCE",
        status="Victime présumée",
    )
    assert set(issues_of(data)) == {"gender", "arrondissement", "forms[0]", "forms[1]", "status"}
    cleaned = validate_situation_data(data, accept_labels=True)
    assert cleaned.gender == "girl"
    assert cleaned.arrondissement == "21000"
    assert cleaned.forms == ["prostitution", "forced_marriage"]
    assert cleaned.status == "presumed"


def test_it_refuses_unaccompanied_belgians() -> None:
    found = issues_of(valid_data(citizenship_group="belgian", unaccompanied=True))
    assert found == {"unaccompanied": "inconsistent"}


def test_it_refuses_unknown_combined_with_other_places() -> None:
    assert issues_of(valid_data(places=["unknown", "hotel"])) == {"places": "inconsistent"}


def test_it_accepts_a_complete_identity_encoding() -> None:
    cleaned = validate_situation_data(
        valid_data(
            identity_encoding=VALID_ENCODING,
            identity_version=VALID_VERSION,
            identity_key_id=VALID_KEY_ID,
        )
    )
    assert cleaned.identity_encoding == VALID_ENCODING


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        ({"identity_encoding": VALID_ENCODING}, {"identity_version", "identity_key_id"}),
        (
            {
                "identity_encoding": "not base64!",
                "identity_version": VALID_VERSION,
                "identity_key_id": VALID_KEY_ID,
            },
            {"identity_encoding"},
        ),
        (
            {
                "identity_encoding": base64.b64encode(b"short").decode(),
                "identity_version": VALID_VERSION,
                "identity_key_id": VALID_KEY_ID,
            },
            {"identity_encoding"},
        ),
        (
            {
                "identity_encoding": VALID_ENCODING,
                "identity_version": "9",
                "identity_key_id": VALID_KEY_ID,
            },
            {"identity_version"},
        ),
        (
            {
                "identity_encoding": VALID_ENCODING,
                "identity_version": VALID_VERSION,
                "identity_key_id": "Robert",
            },
            {"identity_key_id"},
        ),
    ],
)
def test_it_refuses_bad_identity_encodings(identity: dict[str, str], expected: set[str]) -> None:
    assert set(issues_of(valid_data(**identity))) == expected


def test_it_limits_the_note() -> None:
    assert issues_of(valid_data(note="x" * 4001)) == {"note": "too_long"}


def test_it_validates_one_field_for_inline_feedback() -> None:
    assert [i.code for i in validate_field("age_years", "18")] == ["out_of_range"]
    assert validate_field("age_years", "14") == []
    assert [i.code for i in validate_field("forms", [])] == ["required"]


def test_it_reads_back_an_exported_encoding_that_starts_with_plus() -> None:
    encoding = "+" + VALID_ENCODING[1:]
    cleaned = validate_situation_data(
        valid_data(
            identity_encoding="'" + encoding,
            identity_version=VALID_VERSION,
            identity_key_id=VALID_KEY_ID,
        )
    )
    assert cleaned.identity_encoding == encoding


def _message(field: str, value: object) -> str:
    with pytest.raises(SituationValidationError) as caught:
        validate_situation_data(valid_data(**{field: value}), accept_labels=True)
    (issue,) = [i for i in caught.value.issues if i.field == field]
    assert issue.code == "unknown_code"
    return issue.message


def test_it_says_what_is_valid_and_suggests_the_closest() -> None:
    message = _message("gender", "girll")
    assert message.startswith("girll is not a valid choice.")
    assert "Did you mean “Girl”?" in message
    assert "“Boy” (boy)" in message  # the short lists are given in full, with their codes
    # A long list (43 arrondissements) is not copied into every message; one word of a label
    # is enough for a suggestion.
    message = _message("arrondissement", "Bruxelles")
    assert "Did you mean “Brussels-Capital”?" in message
    assert "43 valid choices" in message


def test_it_suggests_in_the_readers_language() -> None:
    with translation.override("fr"):
        message = _message("gender", "Filles")
    assert message.startswith("Filles n'est pas un choix valide.")
    assert "Vouliez-vous dire « Fille » ?" in message
    assert "Choix valides : " in message

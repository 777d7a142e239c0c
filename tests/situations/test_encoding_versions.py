"""Every way in (form, API, import) accepts an encoding of any spec version this server knows,
at that version's length, and refuses other lengths and unknown versions."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse

from balise.linkage.spec import SPECS
from balise.situations.importing import run_import
from balise.situations.models import Situation
from balise.situations.validation import (
    SituationValidationError,
    encoding_max_chars,
    validate_situation_data,
)
from tests.api.conftest import VALID, ApiClient, token_for
from tests.conftest import Personas, login_verified
from tests.situations.conftest import VALID_KEY_ID, stored_encoding, valid_data
from tests.situations.test_create_view import form_post

VERSIONS = sorted(SPECS)
UNKNOWN_VERSION = str(max(SPECS) + 1)


def _encoding(length: int) -> str:
    return base64.b64encode(bytes((3 * i + 1) % 256 for i in range(length))).decode()


def _identity(version: int, length: int | None = None) -> dict[str, str]:
    return {
        "identity_encoding": _encoding(SPECS[version].total_bytes if length is None else length),
        "identity_version": str(version),
        "identity_key_id": VALID_KEY_ID,
    }


@pytest.mark.parametrize("version", VERSIONS)
def test_it_validates_each_known_version_at_its_length(version: int) -> None:
    cleaned = validate_situation_data(valid_data(**_identity(version)))
    assert cleaned.identity_version == str(version)
    length = SPECS[version].total_bytes
    with pytest.raises(SituationValidationError) as refused:
        validate_situation_data(valid_data(**_identity(version, length + 8)))
    assert [(i.field, i.code) for i in refused.value.issues] == [
        ("identity_encoding", "invalid_length")
    ]
    assert len(_identity(version)["identity_encoding"]) <= encoding_max_chars()


def test_it_refuses_an_unknown_version_and_writes_one_spelling_per_version() -> None:
    unknown = {**_identity(VERSIONS[0]), "identity_version": UNKNOWN_VERSION}
    with pytest.raises(SituationValidationError) as refused:
        validate_situation_data(valid_data(**unknown))
    assert [(i.field, i.code) for i in refused.value.issues] == [
        ("identity_version", "unknown_version")
    ]
    padded = {**_identity(VERSIONS[0]), "identity_version": f"0{VERSIONS[0]}"}
    assert validate_situation_data(valid_data(**padded)).identity_version == str(VERSIONS[0])
    # Digits of other scripts are not a version number.
    arabic = {**_identity(VERSIONS[0]), "identity_version": chr(0x0660 + VERSIONS[0] % 10)}
    with pytest.raises(SituationValidationError):
        validate_situation_data(valid_data(**arabic))


@pytest.mark.parametrize("version", VERSIONS)
def test_it_records_each_known_version_through_the_form_the_api_and_an_import(
    personas: Personas, version: int
) -> None:
    identity = _identity(version)
    browser = login_verified(Client(), personas.recorder_a)
    response = browser.post(reverse("situations:create"), form_post(reference="F-1", **identity))
    assert response.status_code == 302
    api = ApiClient(Client(), token_for(personas.recorder_a))
    created = api.send("post", "/api/v1/situations", {**VALID, "reference": "A-1", **identity})
    assert created.status_code == 201, created.content
    assert created.json()["identity_version"] == str(version)
    too_long = {**identity, "identity_encoding": _encoding(SPECS[version].total_bytes + 3)}
    refused = api.send("post", "/api/v1/situations", {**VALID, "reference": "A-2", **too_long})
    assert refused.status_code == 422
    steward = personas.steward_a
    assert steward.organisation is not None
    header = "record_id;balise_encoding;balise_version;balise_key_id;detection_month;"
    header += "arrondissement;gender;citizenship_group;forms;status"
    row = f"I-1;{identity['identity_encoding']};{version};{VALID_KEY_ID};2025-03;21000;girl;"
    row += "non_eu;prostitution;presumed"
    result = run_import(
        f"{header}\n{row}\n".encode(),
        actor=steward,
        organisation=steward.organisation,
        apply=True,
    )
    assert result["ok"], result["errors"]
    for reference in ("F-1", "A-1", "I-1"):
        situation = Situation.objects.get(reference=reference)
        assert situation.identity_version == str(version)
        assert stored_encoding(situation) == identity["identity_encoding"]
    assert not Situation.objects.filter(reference="A-2").exists()

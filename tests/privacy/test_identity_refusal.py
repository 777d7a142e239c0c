"""Every entry point of the recording refuses identity-like fields, audits the refusal (field
names only) and never writes the values to the audit log or the logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from balise.accounts.models import User
from balise.api.tokens import token_create
from balise.audit.models import AuditEvent
from balise.jobs.models import Job
from balise.situations.models import Situation
from balise.situations.services import situation_create
from tests.conftest import Personas
from tests.situations.conftest import valid_data

SignIn = Callable[[User], Client]

# Values that must never show up in an audit event or a log line.
VALUES = {"first_name": "Aïcha", "nom": "Vandenbroeckhoven", "geboortedatum": "2011-05-04"}
SITUATION = valid_data()


def _record(user: User) -> Situation:
    assert user.organisation is not None
    return situation_create(actor=user, organisation=user.organisation, data=SITUATION)


def _assert_refused_and_audited(
    caplog: pytest.LogCaptureFixture, channel: str, fields: list[str]
) -> None:
    event = AuditEvent.objects.get(action="security.identity_field_refused")
    assert event.details == {"fields": sorted(fields), "channel": channel}
    stored = json.dumps(list(AuditEvent.objects.values("details", "object_type", "object_id")))
    for value in VALUES.values():
        assert value not in stored
        assert value not in caplog.text
        assert value.lower() not in caplog.text.lower()


@pytest.fixture(autouse=True)
def _capture_everything(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def test_it_refuses_them_in_the_create_form(
    personas: Personas, signed_in: SignIn, caplog: pytest.LogCaptureFixture
) -> None:
    response = signed_in(personas.recorder_a).post("/situations/new/", {**SITUATION, **VALUES})
    assert response.status_code == 400
    html = response.content.decode()
    for value in VALUES.values():
        assert value not in html
    assert not Situation.objects.exists()
    _assert_refused_and_audited(caplog, "form", list(VALUES))


def test_it_refuses_them_in_the_query_string(
    personas: Personas, signed_in: SignIn, caplog: pytest.LogCaptureFixture
) -> None:
    response = signed_in(personas.recorder_a).get("/situations/new/", {"first_name": "Aïcha"})
    assert response.status_code == 400
    _assert_refused_and_audited(caplog, "form", ["first_name"])


def test_it_refuses_them_in_the_edit_form(
    personas: Personas, signed_in: SignIn, caplog: pytest.LogCaptureFixture
) -> None:
    situation = _record(personas.recorder_a)
    before = situation.updated_at
    response = signed_in(personas.recorder_a).post(
        f"/situations/{situation.pk}/edit/", {**SITUATION, "prénom": "Aïcha"}
    )
    assert response.status_code == 400
    situation.refresh_from_db()
    assert situation.updated_at == before
    _assert_refused_and_audited(caplog, "form", ["prénom"])


def test_it_refuses_them_in_the_inline_validation(
    personas: Personas, signed_in: SignIn, caplog: pytest.LogCaptureFixture
) -> None:
    client = signed_in(personas.recorder_a)
    # htmx posts the whole form with the field to check.
    response = client.post(
        "/situations/validate/", {**SITUATION, "_field": "gender", "Date de naissance": "2011"}
    )
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    _assert_refused_and_audited(caplog, "form", ["Date de naissance"])


def test_it_refuses_an_identity_field_named_for_checking(
    personas: Personas, signed_in: SignIn, caplog: pytest.LogCaptureFixture
) -> None:
    response = signed_in(personas.recorder_a).post("/situations/validate/", {"_field": "dob"})
    assert response.status_code == 400
    _assert_refused_and_audited(caplog, "form", ["dob"])


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_it_refuses_them_in_the_api(
    personas: Personas,
    client: Client,
    caplog: pytest.LogCaptureFixture,
    method: str,
) -> None:
    _token, raw = token_create(user=personas.recorder_a, label="tests", expires_in_days=1)
    url = "/api/v1/situations"
    if method != "post":
        url += f"/{_record(personas.recorder_a).pk}"
    response = getattr(client, method)(
        url,
        {**SITUATION, **VALUES},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422
    assert {e["type"] for e in response.json()["detail"]} == {"identity_field"}
    _assert_refused_and_audited(caplog, "api", list(VALUES))


def test_it_refuses_them_in_an_api_query_string(
    personas: Personas, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    _token, raw = token_create(user=personas.recorder_a, label="tests", expires_in_days=1)
    response = client.get(
        "/api/v1/situations", {"first_name": "Aïcha"}, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code in {400, 422}
    _assert_refused_and_audited(caplog, "api", ["first_name"])


def test_it_refuses_them_in_an_import(
    personas: Personas, signed_in: SignIn, caplog: pytest.LogCaptureFixture
) -> None:
    content = (
        b"record_id;nom;geboortedatum;detection_month;arrondissement;gender;"
        b"citizenship_group;forms;status\r\n"
        b"R-1;Vandenbroeckhoven;2011-05-04;2025-03;21000;girl;belgian;csam;presumed\r\n"
    )
    client = signed_in(personas.steward_a)
    response = client.post(
        "/situations/import/",
        {"file": SimpleUploadedFile("situations.csv", content, "text/csv")},
        follow=True,
    )
    assert response.status_code == 200
    job = Job.objects.get()
    assert "balise encode" in json.dumps(job.result, ensure_ascii=False)
    assert not Situation.objects.exists()
    _assert_refused_and_audited(caplog, "import", ["geboortedatum", "nom"])


@pytest.mark.parametrize(
    "url",
    [
        "/situations/",
        "/situations/export.csv",
        "/situations/export.xlsx",
        "/situations/device-secret/",
        "detail",
    ],
)
def test_it_refuses_them_in_the_query_of_the_other_pages(
    personas: Personas, signed_in: SignIn, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    if url == "detail":
        url = f"/situations/{_record(personas.recorder_a).pk}/"
    response = signed_in(personas.recorder_a).get(url, {"q": "x", "voornaam": "Aïcha"})
    assert response.status_code == 400
    assert "Aïcha" not in response.content.decode()
    assert not AuditEvent.objects.filter(action__in=["situation.read", "situation.export"])
    _assert_refused_and_audited(caplog, "form", ["voornaam"])

"""Editing a situation: prefilled form (an audited read), saved through the service."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from tests.conftest import Personas
from tests.situations.conftest import (
    VALID_ENCODING,
    VALID_KEY_ID,
    VALID_VERSION,
    RecordSituation,
    stored_encoding,
)
from tests.situations.test_create_view import form_post

SignIn = Callable[[User], Client]


def test_it_prefills_the_form_and_audits_the_read(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a, note="Texte de la note")
    response = signed_in(personas.steward_a).get(reverse("situations:edit", args=[situation.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2025-03"' in html
    assert "Texte de la note" in html
    assert AuditEvent.objects.filter(
        action="situation.read", object_id=str(situation.pk), details={"view": "edit"}
    ).exists()


def test_it_saves_changes_and_keeps_the_encoding(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    situation = record_situation(
        personas.recorder_a,
        identity_encoding=VALID_ENCODING,
        identity_version=VALID_VERSION,
        identity_key_id=VALID_KEY_ID,
    )
    response = signed_in(personas.recorder_a).post(
        reverse("situations:edit", args=[situation.pk]),
        form_post(reference=situation.reference, status="confirmed"),
    )
    assert response.status_code == 302
    situation.refresh_from_db()
    assert situation.status == "confirmed"
    assert stored_encoding(situation) == VALID_ENCODING
    assert AuditEvent.objects.filter(action="situation.update").exists()


def test_it_shows_errors_and_changes_nothing(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a)
    response = signed_in(personas.recorder_a).post(
        reverse("situations:edit", args=[situation.pk]), form_post(status="")
    )
    assert response.status_code == 200
    assert 'href="#id_status_0"' in response.content.decode()
    situation.refresh_from_db()
    assert situation.status == "presumed"

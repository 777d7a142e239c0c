"""The situation page: every fact with its label, the decrypted note, an audited read."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import translation

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from tests.conftest import Personas
from tests.situations.conftest import RecordSituation

SignIn = Callable[[User], Client]


def test_it_shows_labels_and_the_note_and_audits_the_read(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a, note="Vue trois fois à la gare")
    with translation.override("fr"):
        response = signed_in(personas.recorder_a).get(
            reverse("situations:detail", args=[situation.pk]), HTTP_ACCEPT_LANGUAGE="fr"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bruxelles-Capitale" in html
    assert "Exploitation dans la prostitution" in html
    assert "Vue trois fois à la gare" in html
    event = AuditEvent.objects.get(action="situation.read")
    assert event.object_id == str(situation.pk)
    assert event.details == {"view": "detail"}

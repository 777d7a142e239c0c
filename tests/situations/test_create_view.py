"""The recording form: GET renders it, POST records through the service or shows every error."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.situations.models import Situation
from tests.conftest import Personas

SignIn = Callable[[User], Client]
URL = reverse("situations:create")


def form_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "reference": "PV-2025-77",
        "detection_month": "2025-02",
        "arrondissement": "62000",
        "age_years": "14",
        "gender": "boy",
        "citizenship_group": "belgian",
        "forms": ["online_sextortion"],
        "places": ["online_only"],
        "signs": [],
        "status": "presumed",
        "note": "Contact via un jeu en ligne",
        "identity_encoding": "",
        "identity_version": "",
        "identity_key_id": "",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_grouped_signs(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="identity_encoding"' in html
    assert 'name="first_name"' not in html
    # Signs are grouped in fieldsets with legends, as the detection tools group them.
    assert html.count('<fieldset class="choice-group">') >= 9
    assert 'aria-live="polite"' in html


def test_it_records_a_situation(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).post(URL, form_post())
    situation = Situation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("situations:detail", args=[situation.pk])
    assert situation.organisation == personas.org_a
    assert situation.forms == ["online_sextortion"]
    assert situation.unaccompanied is False
    assert AuditEvent.objects.filter(
        action="situation.create", object_id=str(situation.pk)
    ).exists()


def test_it_lists_every_error_in_a_summary_linking_to_the_fields(
    personas: Personas, signed_in: SignIn
) -> None:
    response = signed_in(personas.recorder_a).post(
        URL, form_post(forms=[], age_years="19", arrondissement="")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_forms_0"' in html
    assert 'href="#id_age_years"' in html
    assert 'href="#id_arrondissement"' in html
    assert not Situation.objects.exists()
    # What was typed is kept.
    assert 'value="PV-2025-77"' in html


def test_it_refuses_identity_fields_without_echoing_them(
    personas: Personas, signed_in: SignIn
) -> None:
    response = signed_in(personas.recorder_a).post(
        URL, form_post(first_name="Yasmine", last_name="Durandal", birth_date="2011-05-04")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Yasmine" not in html
    assert "Durandal" not in html
    assert "2011-05-04" not in html
    assert not Situation.objects.exists()
    event = AuditEvent.objects.get(action="security.identity_field_refused")
    assert event.details == {"fields": ["birth_date", "first_name", "last_name"], "channel": "form"}


def test_it_refuses_a_broken_identity_encoding(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).post(
        URL, form_post(identity_encoding="abc", identity_version="1", identity_key_id="x")
    )
    assert response.status_code == 200
    assert not Situation.objects.exists()
    assert 'href="#fs_identity"' in response.content.decode()

"""Sessions whose registration runs on a partner's page still get their attendance: an editor
adds the partner's list. And the public list's filters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from balise.audit.models import AuditEvent
from balise.training.models import Registration, Status
from balise.training.selectors import training_figures
from tests.conftest import Personas, login_verified
from tests.training.factories import make_course, make_registration, make_session

pytestmark = pytest.mark.django_db

PARTNER = "https://partner.example.org/inscription"


def _add(client: Client, session_pk: int, email: str) -> int:
    response = client.post(
        f"/trainings/manage/sessions/{session_pk}/participants/new/",
        {"full_name": "Bram Peeters", "email": email, "sector": "police", "language": "nl"},
    )
    return response.status_code


def test_it_records_a_partners_list_for_an_external_session(
    client: Client, personas: Personas
) -> None:
    login_verified(client, personas.editor)
    starts = timezone.now() - timedelta(days=2)
    session = make_session(make_course(), starts, external_registration_url=PARTNER, capacity=1)
    public = Client().get(f"/trainings/{session.pk}/")
    assert PARTNER in public.content.decode()
    assert _add(client, session.pk, "bram@example.org") == 302
    assert _add(client, session.pk, "eva@example.org") == 302  # the partner's capacity
    duplicate = client.post(
        f"/trainings/manage/sessions/{session.pk}/participants/new/",
        {"full_name": "Bram", "email": "BRAM@example.org", "language": "nl"},
    )
    assert duplicate.status_code == 400
    assert "déjà inscrite" in duplicate.content.decode()
    rows = Registration.objects.filter(session=session)
    assert [r.status for r in rows] == [Status.ATTENDED, Status.ATTENDED]
    assert {r.consent_version for r in rows} == {"partner"}
    assert AuditEvent.objects.filter(action="training.registration_added").count() == 2
    figures = training_figures(start=date(2000, 1, 1), end=timezone.localdate())
    assert figures.participants_attended == 2


def test_it_never_adds_past_the_capacity_of_a_session_of_its_own(
    client: Client, personas: Personas
) -> None:
    login_verified(client, personas.editor)
    session = make_session(make_course(), timezone.now() + timedelta(days=5), capacity=1)
    assert _add(client, session.pk, "bram@example.org") == 302
    assert _add(client, session.pk, "eva@example.org") == 400
    assert Registration.objects.get().status == Status.REGISTERED


def test_it_filters_the_public_list_in_constant_queries(client: Client) -> None:
    soon = timezone.now() + timedelta(days=7)
    police = make_course(title="Pour la police", audience_sectors=["police"])
    school = make_course(title="Pour l'école", audience_sectors=["school"])
    make_session(police, soon, language="fr", province="60000")
    make_session(
        school,
        soon + timedelta(days=1),
        language="nl",
        address="",
        province="",
        online_url="https://meet.example.org/x",
    )
    make_session(police, timezone.now() - timedelta(days=1))  # past: never listed

    def titles(query: str) -> list[str]:
        page = client.get(f"/trainings/?{query}").content.decode()
        return [t for t in ("Pour la police", "Pour l&#x27;école") if t in page]

    assert titles("") == ["Pour la police", "Pour l&#x27;école"]
    assert titles("language=nl") == ["Pour l&#x27;école"]
    assert titles("sector=police") == ["Pour la police"]
    assert titles("province=60000") == ["Pour la police"]
    assert titles("mode=online") == ["Pour l&#x27;école"]
    assert titles("mode=in_person") == ["Pour la police"]
    assert client.get("/trainings/?language=xx").status_code == 200  # an unknown value: all
    with CaptureQueriesContext(connection) as few:
        client.get("/trainings/")
    for day in range(5):
        session = make_session(police, soon + timedelta(days=10 + day))
        make_registration(session, day, Status.REGISTERED)
    with CaptureQueriesContext(connection) as many:
        client.get("/trainings/")
    assert len(many) == len(few)


def _upload(client: Client, session_pk: int, text: str) -> Any:
    upload = SimpleUploadedFile("liste.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(
        f"/trainings/manage/sessions/{session_pk}/participants/import/", {"file": upload}
    )


def test_it_adds_a_partners_list_all_or_nothing(client: Client, personas: Personas) -> None:
    login_verified(client, personas.editor)
    session = make_session(
        make_course(), timezone.now() - timedelta(days=1), external_registration_url=PARTNER
    )
    bad = _upload(
        client,
        session.pk,
        "Nom;Email;Secteur;Langue\nAnne;anne@example.org;Police;fr\n;pas-une-adresse;Pirates;de\n",
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    for reason in ("Le nom manque.", "Pas une adresse e-mail.", "Pas un secteur", "fr, nl ou en"):
        assert reason in page
    assert Registration.objects.count() == 0

    good = _upload(
        client,
        session.pk,
        "Nom;Email;Organisation;Secteur\nAnne;anne@example.org;SAJ;Aide à la jeunesse (SAJ/SPJ)\n"
        "Bram;bram@example.org;Politie;police\n",
    )
    assert good.status_code == 302
    rows = Registration.objects.order_by("arrival")
    assert [(r.full_name, r.sector, r.status) for r in rows] == [
        ("Anne", "youth_aid", Status.ATTENDED),
        ("Bram", "police", Status.ATTENDED),
    ]
    # The same list again: every row is already there, nothing is added twice.
    again = _upload(client, session.pk, "name,email\nAnne,anne@example.org\n")
    assert again.status_code == 400
    assert "déjà inscrite" in again.content.decode()
    assert Registration.objects.count() == 2

"""An administrator edits an organisation's name, sector and region."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from tests.conftest import Personas

SignIn = Callable[[User], Client]


def url(pk: int) -> str:
    return reverse("network:organisation_edit", args=[pk])


@pytest.mark.django_db
def test_it_shows_the_current_values(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.admin).get(url(personas.org_b.pk))
    assert response.status_code == 200
    assert 'value="SAJ Bravo"' in response.content.decode()


@pytest.mark.django_db
def test_it_saves_the_changes(personas: Personas, signed_in: SignIn) -> None:
    data = {"name": "SAJ de Bravo-Ville", "sector": "youth_aid", "region": "02000"}
    response = signed_in(personas.admin).post(url(personas.org_b.pk), data)
    assert response.status_code == 302
    personas.org_b.refresh_from_db()
    assert (personas.org_b.name, personas.org_b.region) == ("SAJ de Bravo-Ville", "02000")
    event = AuditEvent.objects.get(action="network.organisation_updated")
    assert event.details["changed"] == ["name", "region"]


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_organisation(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).get(url(999999)).status_code == 404


@pytest.mark.django_db
def test_it_refuses_stewards_even_for_their_own_organisation(
    personas: Personas, signed_in: SignIn
) -> None:
    data = {"name": "Renamed", "sector": "police", "region": "04000"}
    assert signed_in(personas.steward_a).post(url(personas.org_a.pk), data).status_code == 403
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Zone de police Alpha"


@pytest.mark.django_db
def test_it_refuses_delete(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).delete(url(personas.org_a.pk)).status_code == 405

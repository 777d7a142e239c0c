"""An administrator creates an organisation through the form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from balise.accounts.models import Organisation, User
from balise.audit.models import AuditEvent
from tests.conftest import Personas

URL = reverse("network:organisation_create")
SignIn = Callable[[User], Client]


@pytest.mark.django_db
def test_it_shows_the_form(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.admin).get(URL)
    assert response.status_code == 200
    assert 'name="sector"' in response.content.decode()


@pytest.mark.django_db
def test_it_creates_the_organisation(personas: Personas, signed_in: SignIn) -> None:
    data = {"name": "CPVS Liège", "sector": "health", "region": "03000"}
    response = signed_in(personas.admin).post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("network:organisations")
    organisation = Organisation.objects.get(name="CPVS Liège")
    assert (organisation.sector, organisation.region) == ("health", "03000")
    assert AuditEvent.objects.filter(
        action="network.organisation_created", object_id=str(organisation.pk)
    ).exists()


@pytest.mark.django_db
def test_it_shows_a_duplicate_name_as_an_error(personas: Personas, signed_in: SignIn) -> None:
    data = {"name": "saj bravo", "sector": "youth_aid", "region": "03000"}
    response = signed_in(personas.admin).post(URL, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Organisation.objects.count() == 2


@pytest.mark.django_db
def test_it_shows_field_errors(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.admin).post(URL, {"name": "", "sector": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "sector", "region"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["steward_a", "analyst", "editor"])
def test_it_refuses_everyone_but_administrators(
    personas: Personas, signed_in: SignIn, who: str
) -> None:
    data = {"name": "Intruse", "sector": "other", "region": "04000"}
    assert signed_in(getattr(personas, who)).post(URL, data).status_code == 403
    assert not Organisation.objects.filter(name="Intruse").exists()


@pytest.mark.django_db
def test_it_refuses_put(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).put(URL).status_code == 405

"""The list of organisations with their member counts (administrators only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from balise.accounts.models import Organisation, OrgRole, Region, Sector, User
from tests.conftest import Personas, make_user

URL = reverse("network:organisations")
SignIn = Callable[[User], Client]


@pytest.mark.django_db
def test_it_lists_organisations_with_member_counts(personas: Personas, signed_in: SignIn) -> None:
    make_user(
        "gone@example.org", organisation=personas.org_a, org_role=OrgRole.RECORDER, is_active=False
    )
    response = signed_in(personas.admin).get(URL)
    assert response.status_code == 200
    rows = {o.name: (o.member_count, o.steward_count) for o in response.context["organisations"]}
    assert rows == {"Zone de police Alpha": (2, 1), "SAJ Bravo": (2, 1)}
    body = response.content.decode()
    assert "Police" in body
    assert reverse("network:organisation_edit", args=[personas.org_a.pk]) in body


@pytest.mark.django_db
def test_it_runs_a_constant_number_of_queries(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = count()
    for n in range(10):
        organisation = Organisation.objects.create(
            name=f"Organisation {n}", sector=Sector.OTHER, region=Region.WALLONIA
        )
        make_user(f"m{n}@example.org", organisation=organisation, org_role=OrgRole.STEWARD)
    assert count() == few


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["steward_a", "analyst", "editor", "loner"])
def test_it_refuses_everyone_but_administrators(
    personas: Personas, signed_in: SignIn, who: str
) -> None:
    assert signed_in(getattr(personas, who)).get(URL).status_code == 403


@pytest.mark.django_db
def test_it_refuses_post(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).post(URL).status_code == 405

"""The list of people with their platform roles (administrators only)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from balise.accounts.models import OrgRole, User
from tests.conftest import Personas, make_user

URL = reverse("network:users")
SignIn = Callable[[User], Client]


@pytest.mark.django_db
def test_it_lists_people_with_their_roles(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.admin).get(URL)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 8
    body = response.content.decode()
    assert "recorder.a@example.org" in body
    assert reverse("network:user_platform_role", args=[personas.loner.pk]) in body


@pytest.mark.django_db
def test_it_searches_by_email_or_name(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.admin).get(URL, {"q": "steward"})
    assert [u.email for u in response.context["page"]] == [
        "steward.a@example.org",
        "steward.b@example.org",
    ]


@pytest.mark.django_db
def test_it_runs_a_constant_number_of_queries(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = count()
    for n in range(20):
        make_user(f"extra{n}@example.org", organisation=personas.org_b, org_role=OrgRole.RECORDER)
    assert count() == few


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["steward_a", "analyst", "editor", "loner"])
def test_it_refuses_everyone_but_administrators(
    personas: Personas, signed_in: SignIn, who: str
) -> None:
    assert signed_in(getattr(personas, who)).get(URL).status_code == 403

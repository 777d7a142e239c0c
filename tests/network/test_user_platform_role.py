"""An administrator gives or removes a platform role."""

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
    return reverse("network:user_platform_role", args=[pk])


@pytest.mark.django_db
def test_it_gives_a_platform_role(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.admin).post(url(personas.loner.pk), {"role": "editor"})
    assert response.status_code == 302
    assert response["Location"] == reverse("network:users")
    personas.loner.refresh_from_db()
    assert personas.loner.is_editor
    event = AuditEvent.objects.get(action="network.platform_role_changed")
    assert (event.actor_id, event.object_id) == (personas.admin.pk, str(personas.loner.pk))


@pytest.mark.django_db
def test_it_removes_a_platform_role(personas: Personas, signed_in: SignIn) -> None:
    signed_in(personas.admin).post(url(personas.analyst.pk), {"role": ""})
    personas.analyst.refresh_from_db()
    assert personas.analyst.platform_role == ""


@pytest.mark.django_db
def test_it_explains_why_the_last_administrator_stays(
    personas: Personas, signed_in: SignIn
) -> None:
    client = signed_in(personas.admin)
    response = client.post(
        url(personas.admin.pk), {"role": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "at least one administrator" in response.content.decode()
    personas.admin.refresh_from_db()
    assert personas.admin.is_administrator


@pytest.mark.django_db
def test_it_refuses_an_unknown_role(personas: Personas, signed_in: SignIn) -> None:
    signed_in(personas.admin).post(url(personas.loner.pk), {"role": "root"})
    personas.loner.refresh_from_db()
    assert personas.loner.platform_role == ""


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_person(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).post(url(999999), {"role": "editor"}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["steward_a", "analyst", "editor", "loner"])
def test_it_refuses_everyone_but_administrators(
    personas: Personas, signed_in: SignIn, who: str
) -> None:
    actor = getattr(personas, who)
    assert signed_in(actor).post(url(actor.pk), {"role": "admin"}).status_code == 403
    actor.refresh_from_db()
    assert not actor.is_administrator


@pytest.mark.django_db
def test_it_refuses_get(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).get(url(personas.loner.pk)).status_code == 405

"""Who may reach each situation URL: outsiders get 404, wrong roles 403, wrong methods 405.

The shared matrix (tests/matrix/specs/situations.py) checks the same rules for every persona;
these tests add what it does not: unknown ids, an edit posted across organisations changing
nothing, and members reaching every page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.situations.models import Situation
from tests.conftest import Personas
from tests.situations.conftest import RecordSituation

SignIn = Callable[[User], Client]
COLLECTION_URLS = ["list", "create", "export_csv", "export_xlsx"]
OBJECT_URLS = ["detail", "edit"]


@pytest.mark.parametrize("name", [*COLLECTION_URLS, "validate"])
@pytest.mark.parametrize("who", ["analyst", "editor", "admin", "loner"])
def test_it_forbids_people_without_an_organisation_role(
    personas: Personas, signed_in: SignIn, name: str, who: str
) -> None:
    client = signed_in(getattr(personas, who))
    method = client.post if name == "validate" else client.get
    assert method(reverse(f"situations:{name}")).status_code == 403
    assert AuditEvent.objects.filter(action="authz.denied").exists()


@pytest.mark.parametrize("name", OBJECT_URLS)
@pytest.mark.parametrize("who", ["recorder_b", "steward_b"])
def test_it_hides_another_organisations_situation(
    personas: Personas,
    signed_in: SignIn,
    record_situation: RecordSituation,
    name: str,
    who: str,
) -> None:
    situation = record_situation(personas.recorder_a)
    client = signed_in(getattr(personas, who))
    url = reverse(f"situations:{name}", args=[situation.pk])
    assert client.get(url).status_code == 404
    missing = reverse(f"situations:{name}", args=[situation.pk + 1000])
    assert client.get(missing).status_code == 404


def test_it_refuses_an_edit_posted_by_another_organisation(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a)
    response = signed_in(personas.steward_b).post(
        reverse("situations:edit", args=[situation.pk]), {"status": "confirmed"}
    )
    assert response.status_code == 404
    assert Situation.objects.get().status == "presumed"


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("list", "post"),
        ("create", "put"),
        ("create", "delete"),
        ("validate", "get"),
        ("export_csv", "post"),
        ("export_xlsx", "post"),
        ("detail", "post"),
        ("edit", "delete"),
    ],
)
def test_it_refuses_wrong_methods(
    personas: Personas,
    signed_in: SignIn,
    record_situation: RecordSituation,
    name: str,
    method: str,
) -> None:
    situation = record_situation(personas.recorder_a)
    args = [situation.pk] if name in OBJECT_URLS else []
    client = signed_in(personas.recorder_a)
    assert getattr(client, method)(reverse(f"situations:{name}", args=args)).status_code == 405


@pytest.mark.parametrize("name", [*COLLECTION_URLS])
def test_it_sends_anonymous_people_to_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(f"situations:{name}"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("name", COLLECTION_URLS)
@pytest.mark.parametrize("who", ["recorder_a", "steward_a"])
def test_it_lets_members_in(personas: Personas, signed_in: SignIn, name: str, who: str) -> None:
    assert signed_in(getattr(personas, who)).get(reverse(f"situations:{name}")).status_code == 200

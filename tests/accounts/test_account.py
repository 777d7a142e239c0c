"""The "My account" page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import Personas, login_verified

ACCOUNT = reverse("accounts:account")


def test_it_shows_identity_organisation_role_and_mfa(client: Client, personas: Personas) -> None:
    login_verified(client, personas.steward_a)
    response = client.get(ACCOUNT, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert personas.steward_a.email in page
    assert "Zone de police Alpha (Steward)" in page
    assert "An authenticator app protects your account." in page
    assert reverse("accounts:logout_everywhere") in page
    assert response["Cache-Control"] == "no-store"


def test_it_shows_a_platform_role(client: Client, personas: Personas) -> None:
    login_verified(client, personas.analyst)
    assert "Analyst" in client.get(ACCOUNT, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    assert client.get(ACCOUNT)["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_other_methods(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    assert client.post(ACCOUNT).status_code == 405

"""Every accounts page renders in French, Dutch and English, without untranslated leftovers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balise.accounts import services
from balise.accounts.models import OrgRole
from tests.conftest import Personas, login_verified

ANONYMOUS_PAGES = [
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
]
STEWARD_PAGES = [
    "accounts:account",
    "accounts:password_change",
    "accounts:recovery_codes",
    "accounts:mfa_setup",
    "accounts:members",
    "accounts:invite",
]


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_it_renders_every_page(personas: Personas, language: str) -> None:
    anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
    for name in ANONYMOUS_PAGES:
        response = anonymous.get(reverse(name))
        assert response.status_code == 200, name
        assert f'<html lang="{language}">' in response.content.decode(), name
    issued = services.invitation_create(
        actor=personas.steward_a, email="new@example.org", role=OrgRole.RECORDER
    )
    response = anonymous.get(reverse("accounts:invitation_accept", args=[issued.token]))
    assert response.status_code == 200

    steward = login_verified(Client(HTTP_ACCEPT_LANGUAGE=language), personas.steward_a)
    for name in STEWARD_PAGES:
        response = steward.get(reverse(name))
        assert response.status_code == 200, name
        assert f'<html lang="{language}">' in response.content.decode(), name


def test_it_shows_french_by_default(client: Client, db: None) -> None:
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Mot de passe oublié ?" in page


def test_it_shows_dutch_on_request(db: None) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="nl").get(reverse("accounts:login")).content.decode()
    assert "Wachtwoord vergeten?" in page

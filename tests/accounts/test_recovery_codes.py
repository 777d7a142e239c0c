"""Recovery codes page: count left, new codes only after the password."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from balise.accounts import services
from tests.accounts.helpers import events
from tests.conftest import PASSWORD, Personas, login_verified

CODES = reverse("accounts:recovery_codes")


def test_it_shows_how_many_codes_are_left(client: Client, personas: Personas) -> None:
    services.recovery_codes_regenerate(user=personas.recorder_a)
    login_verified(client, personas.recorder_a)
    response = client.get(CODES)
    assert response.context["left"] == 10


def test_it_regenerates_codes_after_the_password(client: Client, personas: Personas) -> None:
    old = services.recovery_codes_regenerate(user=personas.recorder_a)
    login_verified(client, personas.recorder_a)
    refused = client.post(CODES, {"password": "not it"})
    assert refused.status_code == 200
    assert services.recovery_codes_left(user=personas.recorder_a) == 10
    response = client.post(CODES, {"password": PASSWORD})
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(shown) == 10
    assert not set(shown) & set(old)
    assert len(events("auth.recovery_codes_regenerated")) == 2  # once above, once through the page


def test_it_requires_the_second_factor(client: Client, personas: Personas) -> None:
    client.force_login(personas.recorder_a)
    assert client.get(CODES)["Location"] == reverse("accounts:mfa_verify")


def test_it_refuses_other_methods(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    assert client.delete(CODES).status_code == 405

"""The coordinators' list of guidance texts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balise.detection.models import GuidanceKey
from tests.conftest import Personas, login_verified

URL = "/detection/guidance/"


def test_it_has_a_stable_url() -> None:
    assert reverse("detection:guidance_list") == URL


@pytest.mark.django_db
def test_it_links_every_text_in_every_language(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for key in GuidanceKey.values:
        for language in ("fr", "nl", "en"):
            assert f'href="/detection/guidance/{key}/{language}/"' in html
    assert 'href="/detection/guidance/"' in html  # the coordinator's nav link


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["recorder_a", "steward_b", "analyst", "editor", "loner"])
def test_it_refuses_everyone_but_administrators(
    client: Client, personas: Personas, who: str
) -> None:
    login_verified(client, getattr(personas, who))
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_it_sends_anonymous_to_sign_in(client: Client) -> None:
    assert client.get(URL).status_code == 302


@pytest.mark.django_db
def test_it_refuses_post(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    assert client.post(URL).status_code == 405

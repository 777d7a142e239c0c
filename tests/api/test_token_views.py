"""The token page: create only from an MFA-verified session, shown once, list, revoke."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import LazySettings
from django.test import Client

from balise.api.models import ApiToken
from balise.audit.models import AuditEvent
from tests.conftest import Personas

SignIn = Callable[..., Client]


def test_it_creates_a_token_shown_once(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.recorder_a)
    response = client.post("/api/tokens/", {"label": "nightly", "expires": "90"})
    assert response.status_code == 201
    token = ApiToken.objects.get(user=personas.recorder_a)
    page = response.content.decode()
    assert f"bal_{token.prefix}_" in page
    again = client.get("/api/tokens/").content.decode()
    assert f"bal_{token.prefix}_" not in again  # the full token is never shown again
    assert f"bal_{token.prefix}…" in again
    assert token.expires_at is not None


def test_it_refuses_a_session_without_second_factor(
    personas: Personas, client: Client, settings: LazySettings
) -> None:
    # Even where MFA is optional (the demo), tokens need a verified second factor.
    settings.REQUIRE_MFA = False
    client.force_login(personas.recorder_a)
    page = client.get("/api/tokens/")
    assert page.status_code == 200
    assert 'name="label"' not in page.content.decode()
    response = client.post("/api/tokens/", {"label": "x", "expires": "30"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="authz.denied").exists()


def test_it_revokes_only_ones_own_token(personas: Personas, signed_in: SignIn) -> None:
    signed_in(personas.recorder_b).post("/api/tokens/", {"label": "b", "expires": "30"})
    theirs = ApiToken.objects.get(user=personas.recorder_b)
    client = signed_in(personas.recorder_a)
    assert client.post(f"/api/tokens/{theirs.pk}/revoke/").status_code == 404
    client.post("/api/tokens/", {"label": "a", "expires": "30"})
    mine = ApiToken.objects.get(user=personas.recorder_a)
    response = client.post(f"/api/tokens/{mine.pk}/revoke/")
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None


def test_it_lists_only_ones_own_tokens(personas: Personas, signed_in: SignIn) -> None:
    signed_in(personas.recorder_b).post("/api/tokens/", {"label": "bee-token", "expires": "30"})
    page = signed_in(personas.recorder_a).get("/api/tokens/").content.decode()
    assert "bee-token" not in page


def test_it_validates_the_form(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).post("/api/tokens/", {"label": "", "expires": "7"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_it_sends_anonymous_people_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/api/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("method", "url"),
    [("put", "/api/tokens/"), ("get", "/api/tokens/1/revoke/"), ("post", "/api/v1/docs")],
)
def test_it_refuses_wrong_methods(
    personas: Personas, signed_in: SignIn, method: str, url: str
) -> None:
    response = getattr(signed_in(personas.recorder_a), method)(url)
    assert response.status_code == 405


def test_it_shows_api_docs_to_signed_in_people_only(
    personas: Personas, signed_in: SignIn, client: Client
) -> None:
    assert client.get("/api/v1/docs").status_code == 302
    assert client.get("/api/v1/openapi.json").status_code == 200
    response = signed_in(personas.analyst).get("/api/v1/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.content.decode()

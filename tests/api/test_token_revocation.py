"""API tokens die with the credentials they were made under: password changed or reset, "log out
everywhere", a steward's second-factor reset, deactivation (then reactivation). Each revocation
is audited with its reason; every token expires within a year."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.api.models import ApiToken
from balise.api.tokens import MAX_LIFETIME_DAYS, token_create
from balise.audit.models import AuditEvent
from tests.conftest import PASSWORD, Personas, login_verified

NEW_PASSWORD = "a brand new passphrase 2026"


def _token_for(user: User) -> tuple[ApiToken, dict[str, str]]:
    token, raw = token_create(user=user, label="sync", expires_in_days=30)
    headers = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/situations", headers=headers).status_code == 200
    return token, headers


def _assert_revoked(token: ApiToken, headers: dict[str, str], *, reason: str, actor: User) -> None:
    assert Client().get("/api/v1/situations", headers=headers).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    (event,) = AuditEvent.objects.filter(action="api_token.revoke")
    assert event.details == {"prefix": token.prefix, "reason": reason}
    assert event.object_id == str(token.pk)
    assert event.actor_id == actor.pk


def test_it_revokes_the_tokens_when_the_password_changes(personas: Personas) -> None:
    user = personas.recorder_a
    token, headers = _token_for(user)
    client = login_verified(Client(), user)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    _assert_revoked(token, headers, reason="password_changed", actor=user)


def test_it_revokes_the_tokens_when_the_password_is_reset(personas: Personas) -> None:
    user = personas.recorder_a
    token, headers = _token_for(user)
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    (message,) = mail.outbox
    match = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", str(message.body))
    assert match is not None
    form_url = client.get(match.group(1))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    _assert_revoked(token, headers, reason="password_reset", actor=user)


def test_it_revokes_the_tokens_on_log_out_everywhere(personas: Personas) -> None:
    user = personas.recorder_a
    token, headers = _token_for(user)
    login_verified(Client(), user).post(reverse("accounts:logout_everywhere"))
    _assert_revoked(token, headers, reason="logout_everywhere", actor=user)


def test_it_revokes_the_tokens_when_a_steward_resets_the_second_factor(
    personas: Personas,
) -> None:
    token, headers = _token_for(personas.recorder_a)
    steward = login_verified(Client(), personas.steward_a)
    steward.post(reverse("accounts:member_mfa_reset", args=[personas.recorder_a.pk]))
    _assert_revoked(token, headers, reason="mfa_reset", actor=personas.steward_a)


def test_it_keeps_the_tokens_revoked_after_deactivation_and_reactivation(
    personas: Personas,
) -> None:
    member = personas.recorder_a
    token, headers = _token_for(member)
    steward = login_verified(Client(), personas.steward_a)
    steward.post(reverse("accounts:member_deactivate", args=[member.pk]), {"confirm": "yes"})
    member.refresh_from_db()
    assert not member.is_active
    User.objects.filter(pk=member.pk).update(is_active=True)  # an administrator reactivates
    _assert_revoked(token, headers, reason="deactivated", actor=personas.steward_a)


def test_it_leaves_other_peoples_tokens_alone(personas: Personas) -> None:
    colleague_token, headers = _token_for(personas.steward_a)
    login_verified(Client(), personas.recorder_a).post(reverse("accounts:logout_everywhere"))
    assert Client().get("/api/v1/situations", headers=headers).status_code == 200
    colleague_token.refresh_from_db()
    assert colleague_token.revoked_at is None


@pytest.mark.parametrize("days", [0, MAX_LIFETIME_DAYS + 1])
def test_it_refuses_a_lifetime_outside_the_cap(personas: Personas, days: int) -> None:
    with pytest.raises(ValueError, match="1 to 365 days"):
        token_create(user=personas.recorder_a, label="sync", expires_in_days=days)
    assert not ApiToken.objects.exists()


def test_it_offers_no_token_that_never_expires(personas: Personas) -> None:
    client = login_verified(Client(), personas.recorder_a)
    page = client.get("/api/tokens/").content.decode()
    assert 'value="never"' not in page
    response = client.post("/api/tokens/", {"label": "forever", "expires": "never"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    client.post("/api/tokens/", {"label": "a year", "expires": "365"})
    token = ApiToken.objects.get()
    assert (token.expires_at - token.created_at).days == MAX_LIFETIME_DAYS

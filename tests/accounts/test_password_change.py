"""Changing one's password: the old one first (throttled), other sessions end, audited."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import events
from tests.conftest import PASSWORD, Personas, login_verified

CHANGE = reverse("accounts:password_change")
NEW = "another long passphrase 77"


def test_it_changes_the_password_and_ends_other_sessions(personas: Personas) -> None:
    user = personas.recorder_a
    here = login_verified(Client(), user)
    elsewhere = login_verified(Client(), user)
    response = here.post(
        CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert here.get(reverse("accounts:account")).status_code == 200
    assert elsewhere.get(reverse("accounts:account")).status_code == 302
    assert len(events("auth.password_changed")) == 1


def test_it_requires_the_current_password(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    response = client.post(
        CHANGE, {"old_password": "not my password", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    personas.recorder_a.refresh_from_db()
    assert personas.recorder_a.check_password(PASSWORD)
    assert events("auth.password_changed") == []
    assert len(events("auth.login_failed")) == 0  # counted by axes, not as a sign-in


def test_it_locks_out_password_guessing_from_a_stolen_session(
    client: Client, personas: Personas
) -> None:
    login_verified(client, personas.recorder_a)
    statuses = [
        client.post(
            CHANGE, {"old_password": f"guess {i}", "new_password1": NEW, "new_password2": NEW}
        ).status_code
        for i in range(5)
    ]
    assert statuses[-1] == 429
    assert len(events("auth.reauth_failed")) == 5
    assert len(events("auth.lockout")) == 1


def test_it_refuses_a_short_or_common_password(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    for weak in ("short", "password1234", "123456789012"):
        response = client.post(
            CHANGE, {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
        )
        assert "new_password2" in response.context["form"].errors, weak


def test_it_requires_the_second_factor(client: Client, personas: Personas) -> None:
    client.force_login(personas.recorder_a)
    assert client.get(CHANGE)["Location"] == reverse("accounts:mfa_verify")


def test_it_refuses_other_methods(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    assert client.put(CHANGE).status_code == 405

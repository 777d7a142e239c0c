"""Password reset by email: no account enumeration, one hour, audited, and MFA still applies."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse

from balise.accounts.models import Authenticator
from tests.accounts.helpers import code_for, events, sign_in_password
from tests.conftest import Personas, login_verified

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "a brand new passphrase 2026"


def _link_from_email() -> str:
    (message,) = mail.outbox
    match = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", str(message.body))
    assert match is not None, message.body
    return match.group(1)


def test_it_resets_a_password_and_still_asks_for_the_second_factor(
    client: Client, personas: Personas
) -> None:
    user = personas.recorder_a
    other_session = login_verified(Client(), user)
    device = Authenticator.objects.get(user=user)
    response = client.post(RESET, {"email": user.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    link = _link_from_email()
    assert mail.outbox[0].to == [user.email]

    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert client.get(reverse("accounts:account")).status_code == 302  # not signed in

    # Every earlier session died with the old password.
    assert other_session.get(reverse("accounts:account")).status_code == 302
    # Signing in with the new password leads to the code step, not into the app.
    assert sign_in_password(client, user.email, NEW_PASSWORD).startswith(
        reverse("accounts:mfa_verify")
    )
    assert client.get(reverse("accounts:account"))["Location"] == reverse("accounts:mfa_verify")
    assert (
        client.post(reverse("accounts:mfa_verify"), {"code": code_for(device)}).status_code == 302
    )
    assert client.get(reverse("accounts:account")).status_code == 200
    assert events("auth.password_reset_requested")[0].actor_id == user.pk
    assert events("auth.password_reset_completed")[0].actor_id == user.pk


def test_it_answers_the_same_for_an_unknown_address(client: Client, personas: Personas) -> None:
    known = client.post(RESET, {"email": personas.recorder_a.email})
    unknown = client.post(RESET, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    assert events("auth.password_reset_requested")[1].actor_id is None


def test_it_sends_nothing_to_a_disabled_account(client: Client, personas: Personas) -> None:
    personas.recorder_a.is_active = False
    personas.recorder_a.save(update_fields=["is_active"])
    client.post(RESET, {"email": personas.recorder_a.email})
    assert mail.outbox == []


def test_it_refuses_a_link_older_than_one_hour(
    client: Client, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.post(RESET, {"email": personas.recorder_a.email})
    link = _link_from_email()
    later = datetime.now() + timedelta(hours=1, minutes=1)  # noqa: DTZ005  # Django's own clock
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    response = client.get(link)
    assert response.status_code == 200
    assert response.context["validlink"] is False


def test_it_refuses_a_link_used_once(client: Client, personas: Personas) -> None:
    client.post(RESET, {"email": personas.recorder_a.email})
    link = _link_from_email()
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link)
    assert again.status_code == 200
    assert again.context["validlink"] is False


def test_it_refuses_a_common_password(client: Client, personas: Personas) -> None:
    client.post(RESET, {"email": personas.recorder_a.email})
    form_url = client.get(_link_from_email())["Location"]
    response = client.post(
        form_url, {"new_password1": "password1234", "new_password2": "password1234"}
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors


def test_it_writes_the_email_in_the_visitor_language(client: Client, personas: Personas) -> None:
    client.post(RESET, {"email": personas.recorder_a.email}, HTTP_ACCEPT_LANGUAGE="nl")
    assert "wachtwoord" in mail.outbox[0].subject.lower()


def test_it_refuses_other_methods(client: Client, personas: Personas) -> None:
    client.post(RESET, {"email": personas.recorder_a.email})
    link = _link_from_email()
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(RESET).status_code == 405
        assert getattr(client, method)(link).status_code == 405
        assert getattr(client, method)(reverse("accounts:password_reset_done")).status_code == 405
    assert client.post(reverse("accounts:password_reset_complete")).status_code == 405


def test_it_stops_emailing_one_address_after_three_requests_an_hour(
    client: Client, personas: Personas
) -> None:
    answers = {
        client.post(RESET, {"email": personas.recorder_a.email})["Location"] for _ in range(5)
    }
    assert answers == {reverse("accounts:password_reset_done")}
    assert len(mail.outbox) == 3
    sent = [e.details["sent"] for e in events("auth.password_reset_requested")]
    assert sent == [True, True, True, False, False]
    # Another address is not affected.
    client.post(RESET, {"email": personas.steward_a.email})
    assert len(mail.outbox) == 4

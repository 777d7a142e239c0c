"""Sign in with email and password: generic errors, session renewal, lockout, Argon2."""

from __future__ import annotations

import json

import pytest
from django.conf import LazySettings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from balise.accounts.middleware import AUTH_STARTED_AT
from balise.audit.models import AuditEvent
from tests.accounts.helpers import authenticator, events, sign_in_password
from tests.conftest import PASSWORD, Personas

LOGIN = reverse("accounts:login")


def test_it_shows_the_sign_in_form(client: Client, db: None) -> None:
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'autocomplete="current-password"' in response.content


def test_it_sends_a_person_with_an_authenticator_to_the_code_step(
    client: Client, personas: Personas
) -> None:
    authenticator(personas.recorder_a)
    location = sign_in_password(client, "Recorder.A@Example.org")  # email is case-insensitive
    assert location.startswith(reverse("accounts:mfa_verify"))
    assert client.session[SESSION_KEY] == str(personas.recorder_a.pk)
    assert isinstance(client.session[AUTH_STARTED_AT], int)
    assert events("auth.login")[0].actor_id == personas.recorder_a.pk


def test_it_sends_a_person_without_authenticator_to_enrolment(
    client: Client, personas: Personas
) -> None:
    location = sign_in_password(client, personas.recorder_a.email)
    assert location.startswith(reverse("accounts:mfa_setup"))


def test_it_skips_the_second_factor_when_the_demo_switches_it_off(
    client: Client, personas: Personas, settings: LazySettings
) -> None:
    settings.REQUIRE_MFA = False
    assert sign_in_password(client, personas.recorder_a.email) == reverse("core:home")
    assert client.get(reverse("accounts:account")).status_code == 200


def test_it_still_asks_an_enrolled_person_for_a_code_in_the_demo(
    client: Client, personas: Personas, settings: LazySettings
) -> None:
    settings.REQUIRE_MFA = False
    authenticator(personas.recorder_a)
    assert sign_in_password(client, personas.recorder_a.email).startswith(
        reverse("accounts:mfa_verify")
    )


def test_it_renews_the_session_key_at_sign_in(client: Client, personas: Personas) -> None:
    client.get(LOGIN)
    session = client.session
    session["probe"] = 1
    session.save()
    client.cookies["balise-session"] = str(session.session_key)
    before = session.session_key
    sign_in_password(client, personas.recorder_a.email)
    assert client.session.session_key != before


def test_it_gives_one_message_for_every_failure(client: Client, personas: Personas) -> None:
    personas.recorder_b.is_active = False
    personas.recorder_b.save(update_fields=["is_active"])
    answers = set()
    for email, password in [
        (personas.recorder_a.email, "wrong password 123"),
        ("nobody@example.org", PASSWORD),
        (personas.recorder_b.email, PASSWORD),  # deactivated
    ]:
        response = client.post(
            LOGIN, {"username": email, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 200
        assert SESSION_KEY not in client.session
        content = response.content.decode()
        answers.add(content[content.index("error-summary") :].split("</div>")[0])
    assert len(answers) == 1
    assert "The email address or password is incorrect." in answers.pop()


def test_it_audits_a_failure_with_the_email_but_never_the_password(
    client: Client, personas: Personas
) -> None:
    client.post(LOGIN, {"username": "Someone@Example.org", "password": "s3cret-guess-xyz"})
    (failure,) = events("auth.login_failed")
    assert failure.details == {"email": "someone@example.org"}
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "s3cret-guess-xyz" not in everything


def test_it_locks_the_account_after_five_failures(client: Client, personas: Personas) -> None:
    email = personas.recorder_a.email
    statuses = [
        client.post(LOGIN, {"username": email, "password": f"wrong {i}"}).status_code
        for i in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    # The right password no longer opens the account during the cool-off.
    response = client.post(LOGIN, {"username": email, "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert "Compte temporairement verrouillé" in response.content.decode()  # French by default
    lockouts = events("auth.lockout")
    assert len(lockouts) == 2
    assert lockouts[0].details == {"email": email}
    assert len(events("auth.login_failed")) == 6


def test_it_locks_out_one_client_guessing_across_many_accounts(
    client: Client, personas: Personas
) -> None:
    for i in range(5):
        client.post(LOGIN, {"username": f"guess{i}@example.org", "password": "wrong password"})
    response = client.post(LOGIN, {"username": personas.recorder_a.email, "password": PASSWORD})
    assert response.status_code == 429


def test_it_locks_out_a_client_that_changes_its_browser_name_at_each_guess(
    personas: Personas,
) -> None:
    # The per-client limit keys on the address alone: a new User-Agent is not a new client.
    for i in range(5):
        guesser = Client(HTTP_USER_AGENT=f"browser {i}")
        guesser.post(LOGIN, {"username": f"guess{i}@example.org", "password": "wrong password"})
    fresh = Client(HTTP_USER_AGENT="yet another browser")
    response = fresh.post(LOGIN, {"username": personas.recorder_a.email, "password": PASSWORD})
    assert response.status_code == 429


def test_it_lets_another_person_in_while_one_account_is_locked(personas: Personas) -> None:
    attacker = Client(REMOTE_ADDR="192.0.2.10")
    for i in range(5):
        attacker.post(LOGIN, {"username": personas.recorder_a.email, "password": f"bad {i}"})
    colleague = Client(REMOTE_ADDR="192.0.2.20")
    assert sign_in_password(colleague, personas.steward_a.email).startswith("/accounts/mfa/")


def test_it_ignores_a_next_address_on_another_site(client: Client, personas: Personas) -> None:
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": personas.recorder_a.email, "password": PASSWORD},
    )
    assert "evil.example" not in response["Location"].split("?next=")[0]
    assert "evil.example" not in response["Location"]


def test_it_hashes_passwords_with_argon2(personas: Personas, settings: LazySettings) -> None:
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = personas.recorder_a
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    assert user.password.startswith("argon2$argon2id$")
    client = Client()
    assert sign_in_password(client, user.email).startswith("/accounts/mfa/")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_it_refuses_other_methods(client: Client, db: None, method: str) -> None:
    assert getattr(client, method)(LOGIN).status_code == 405

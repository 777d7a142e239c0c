"""The second step of signing in: a TOTP code or a recovery code, single use and throttled."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from balise.accounts import services
from balise.accounts.models import Authenticator
from tests.accounts.helpers import authenticator, code_for, events, sign_in_password
from tests.conftest import Personas

VERIFY = reverse("accounts:mfa_verify")
ACCOUNT = reverse("accounts:account")


def _unthrottle(device: Authenticator) -> None:
    device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)
    device.save(update_fields=["throttling_failure_timestamp"])


def test_it_signs_in_with_a_code_from_the_app(client: Client, personas: Personas) -> None:
    device = authenticator(personas.recorder_a)
    sign_in_password(client, personas.recorder_a.email)
    key_after_password = client.session.session_key
    response = client.post(VERIFY, {"code": code_for(device), "next": ACCOUNT})
    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != key_after_password
    assert client.get(ACCOUNT).status_code == 200
    assert len(events("auth.mfa_verified")) == 1


def test_it_refuses_a_code_used_before(client: Client, personas: Personas) -> None:
    device = authenticator(personas.recorder_a)
    code = code_for(device)
    sign_in_password(client, personas.recorder_a.email)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))

    sign_in_password(client, personas.recorder_a.email)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert events("auth.mfa_failed")[0].details == {"reason": "totp"}


def test_it_refuses_a_wrong_code_and_then_throttles(client: Client, personas: Personas) -> None:
    device = authenticator(personas.recorder_a)
    sign_in_password(client, personas.recorder_a.email)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    assert client.post(VERIFY, {"code": wrong}).status_code == 200
    # Right after a failure even the right code waits (django-otp's exponential delay).
    response = client.post(VERIFY, {"code": code_for(device)}, HTTP_ACCEPT_LANGUAGE="en")
    assert b"Too many wrong codes" in response.content
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert [e.details["reason"] for e in events("auth.mfa_failed")] == ["totp", "throttled"]
    _unthrottle(device)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302


def test_it_accepts_each_recovery_code_once(client: Client, personas: Personas) -> None:
    user = personas.recorder_a
    authenticator(user)
    codes = services.recovery_codes_regenerate(user=user)
    assert len(codes) == 10
    assert len(set(codes)) == 10

    sign_in_password(client, user.email)
    typed = f"{codes[0][:4].upper()} {codes[0][4:]}"  # case and spaces do not matter
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 302
    assert services.recovery_codes_left(user=user) == 9
    assert events("auth.recovery_code_used")[0].details == {"left": 9}
    client.post(reverse("accounts:logout"))

    other = Client()
    sign_in_password(other, user.email)
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert DEVICE_ID_SESSION_KEY not in other.session


def test_it_sends_a_half_signed_in_person_to_the_code_step(
    client: Client, personas: Personas
) -> None:
    authenticator(personas.steward_a)
    sign_in_password(client, personas.steward_a.email)
    for name in ("accounts:account", "accounts:members", "accounts:recovery_codes"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == VERIFY


def test_it_sends_a_person_without_device_to_enrolment(client: Client, personas: Personas) -> None:
    sign_in_password(client, personas.recorder_a.email)
    response = client.get(VERIFY)
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    response = client.get(VERIFY)
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_other_methods(client: Client, db: None) -> None:
    assert client.put(VERIFY).status_code == 405

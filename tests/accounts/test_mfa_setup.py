"""Enrolling an authenticator app: QR code and key, a real code to confirm, recovery codes."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken

from balise.accounts import services
from balise.accounts.models import Authenticator
from tests.accounts.helpers import authenticator, code_for, events, sign_in_password
from tests.conftest import PASSWORD, Personas, login_verified

SETUP = reverse("accounts:mfa_setup")


def test_it_enrols_an_authenticator_with_a_real_code(client: Client, personas: Personas) -> None:
    user = personas.recorder_a
    sign_in_password(client, user.email)
    page = client.get(SETUP).content.decode()
    assert 'src="data:image/svg+xml' in page
    device = Authenticator.objects.get(user=user, confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    assert len(secret.group(1).replace(" ", "")) == 32  # 160-bit key in base32

    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert stored == {services.recovery_code_digest(code) for code in codes}
    assert not stored & set(codes)  # only keyed hashes are stored
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("accounts:account")).status_code == 200
    assert len(events("auth.mfa_enrolled")) == 1


def test_it_keeps_the_same_key_until_confirmed(client: Client, personas: Personas) -> None:
    sign_in_password(client, personas.recorder_a.email)
    client.get(SETUP)
    client.get(SETUP)
    assert Authenticator.objects.filter(user=personas.recorder_a).count() == 1


def test_it_refuses_a_wrong_code(client: Client, personas: Personas) -> None:
    sign_in_password(client, personas.recorder_a.email)
    client.get(SETUP)
    device = Authenticator.objects.get(user=personas.recorder_a)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    assert client.post(SETUP, {"code": wrong}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert events("auth.mfa_failed")[0].details == {"step": "enrol"}


def test_it_does_not_let_a_password_alone_replace_an_authenticator(
    client: Client, personas: Personas
) -> None:
    authenticator(personas.recorder_a)
    sign_in_password(client, personas.recorder_a.email)
    response = client.get(SETUP)
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_it_replaces_an_authenticator_with_code_and_password(
    client: Client, personas: Personas
) -> None:
    user = personas.recorder_a
    login_verified(client, user)
    old = Authenticator.objects.get(user=user, confirmed=True)
    client.get(SETUP)
    new = Authenticator.objects.get(user=user, confirmed=False)
    assert client.post(SETUP, {"code": code_for(new), "password": "wrong one"}).status_code == 200
    assert Authenticator.objects.filter(pk=old.pk).exists()
    assert client.post(SETUP, {"code": code_for(new), "password": PASSWORD}).status_code == 200
    assert list(Authenticator.objects.filter(user=user).values_list("pk", flat=True)) == [new.pk]


def test_it_issues_new_recovery_codes_that_replace_the_old(personas: Personas) -> None:
    user = personas.recorder_a
    first = services.recovery_codes_regenerate(user=user)
    second = services.recovery_codes_regenerate(user=user)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == {services.recovery_code_digest(code) for code in second}
    assert not stored & {services.recovery_code_digest(code) for code in first}


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    assert client.get(SETUP)["Location"].startswith(reverse("accounts:login"))


def test_it_refuses_other_methods(client: Client, db: None) -> None:
    assert client.delete(SETUP).status_code == 405

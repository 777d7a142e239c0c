"""Helpers for the accounts tests: real TOTP codes, devices, audit look-ups, password sign-in."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from tests.conftest import PASSWORD


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` periods later)."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead
    )
    return f"{value:0{device.digits}d}"


def authenticator(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device


def sign_in_password(client: Client, email: str, password: str = PASSWORD) -> str:
    """Post the sign-in form; return where it sends the person next."""
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    assert response.status_code == 302, response.status_code
    return str(response["Location"])


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))

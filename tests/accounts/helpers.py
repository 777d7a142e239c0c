"""Helpers for the accounts tests: real TOTP codes, devices, audit look-ups, password sign-in."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp import models as otp_totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice

from balise.accounts.models import Authenticator, User
from balise.audit.models import AuditEvent
from tests.conftest import PASSWORD, OtpClock


def code_for_key(key: bytes, *, step: int = 30, t0: int = 0, digits: int = 6) -> str:
    """The code an authenticator app shows at the tests' frozen TOTP clock (``otp_clock``)."""
    clock = otp_totp_models.time
    assert isinstance(clock, OtpClock), "the otp_clock fixture must freeze django-otp's clock"
    generator = TOTP(key, step=step, t0=t0, digits=digits)
    generator.time = clock.time()
    return f"{generator.token():0{digits}d}"


def code_for(device: TOTPDevice) -> str:
    """The code ``device``'s authenticator app shows at the frozen clock."""
    sealed = Authenticator.objects.get(pk=device.pk)  # the seed opens through Balise's model
    return code_for_key(sealed.bin_key, step=device.step, t0=device.t0, digits=device.digits)


def authenticator(user: User) -> Authenticator:
    return Authenticator.objects.create(user=user, name="phone", confirmed=True)


def sign_in_password(client: Client, email: str, password: str = PASSWORD) -> str:
    """Post the sign-in form; return where it sends the person next."""
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    assert response.status_code == 302, response.status_code
    return str(response["Location"])


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))

"""TOTP seeds are sealed at rest (AES-GCM under BALISE_MFA_KEY, bound to the user): the database
holds no seed in clear, a seed moved to another person does not open, existing seeds are sealed
by the migration and keep working."""

from __future__ import annotations

import importlib
import re
from base64 import b32decode

import pytest
from django.apps import apps
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from balise.accounts.checks import check_mfa_seed_key
from balise.accounts.models import Authenticator
from balise.accounts.seeds import SeedIntegrityError, open_seed
from tests.accounts.helpers import authenticator, code_for, code_for_key, sign_in_password
from tests.conftest import Personas

SETUP = reverse("accounts:mfa_setup")
VERIFY = reverse("accounts:mfa_verify")
migration = importlib.import_module("balise.accounts.migrations.0003_authenticator_sealed_seeds")


def _stored_key(pk: int) -> str:
    """The column as the database holds it, read past Balise's model."""
    return str(TOTPDevice.objects.filter(pk=pk).values_list("key", flat=True).get())


def test_it_stores_no_seed_in_clear(client: Client, personas: Personas) -> None:
    user = personas.recorder_a
    sign_in_password(client, user.email)
    page = client.get(SETUP).content.decode()
    shown = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    assert shown is not None
    seed = b32decode(shown.group(1).replace(" ", ""))
    device = Authenticator.objects.get(user=user)
    stored = _stored_key(device.pk)
    assert stored.startswith("v1:")
    assert seed.hex() not in stored.lower()
    assert open_seed(stored, user_id=user.pk) == seed
    assert client.post(SETUP, {"code": code_for_key(seed)}).status_code == 200
    assert Authenticator.objects.get(pk=device.pk).confirmed


def test_it_refuses_a_seed_moved_to_another_person(client: Client, personas: Personas) -> None:
    # Someone who can write to the database copies their own sealed seed onto a victim's device.
    attacker = authenticator(personas.recorder_b)
    victim = authenticator(personas.recorder_a)
    TOTPDevice.objects.filter(pk=victim.pk).update(key=_stored_key(attacker.pk))
    sign_in_password(client, personas.recorder_a.email)
    response = client.post(VERIFY, {"code": code_for(attacker)})
    assert response.status_code == 200  # the code page again, not signed in
    assert client.get(reverse("accounts:account"))["Location"].startswith(VERIFY)
    with pytest.raises(SeedIntegrityError):
        Authenticator.objects.get(pk=victim.pk).bin_key  # noqa: B018


def test_it_seals_the_seeds_stored_in_clear_before(client: Client, personas: Personas) -> None:
    user = personas.recorder_a
    clear = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)  # django-otp: hex
    seed = bytes.fromhex(clear.key)
    migration.seal_existing(apps, None)
    stored = _stored_key(clear.pk)
    assert stored.startswith("v1:")
    assert seed.hex() not in stored.lower()
    # The person's authenticator app keeps working.
    sign_in_password(client, user.email)
    assert client.post(VERIFY, {"code": code_for_key(seed)}).status_code == 302
    migration.open_existing(apps, None)  # the migration reverses
    assert _stored_key(clear.pk) == seed.hex()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("c2hvcnQ=", "BALISE_MFA_KEY must hold 32 bytes (AES-256)"),
        ("not base64!", "BALISE_MFA_KEY must be base64"),
    ],
)
def test_it_reports_a_malformed_key_when_the_site_starts(
    settings: LazySettings, value: str, message: str
) -> None:
    assert check_mfa_seed_key() == []
    settings.MFA_SEED_KEY = value
    assert [error.msg for error in check_mfa_seed_key()] == [message]

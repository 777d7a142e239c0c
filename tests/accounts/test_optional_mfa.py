"""Where MFA is optional (the demo), a person who enrolled a second factor is still asked for it:
browsing past the code page straight to another page leads back to it."""

from __future__ import annotations

from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from balise.accounts import services
from balise.accounts.models import Authenticator
from tests.accounts.helpers import authenticator, code_for, sign_in_password
from tests.conftest import Personas

VERIFY = reverse("accounts:mfa_verify")
PAGES = [reverse("accounts:account"), reverse("situations:list"), reverse("api_tokens:list")]


def test_it_asks_an_enrolled_factor_on_every_page(
    client: Client, personas: Personas, settings: LazySettings
) -> None:
    settings.REQUIRE_MFA = False
    device = authenticator(personas.recorder_a)
    assert sign_in_password(client, personas.recorder_a.email).startswith(VERIFY)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(VERIFY), page
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    for page in PAGES:
        assert client.get(page).status_code == 200, page


def test_it_asks_a_factor_of_recovery_codes_only_too(
    client: Client, personas: Personas, settings: LazySettings
) -> None:
    settings.REQUIRE_MFA = False
    authenticator(personas.recorder_a)
    services.recovery_codes_regenerate(user=personas.recorder_a)
    Authenticator.objects.filter(user=personas.recorder_a).delete()
    sign_in_password(client, personas.recorder_a.email)
    assert client.get(reverse("accounts:account"))["Location"].startswith(VERIFY)


def test_it_lets_someone_without_a_factor_in_where_mfa_is_optional(
    client: Client, personas: Personas, settings: LazySettings
) -> None:
    settings.REQUIRE_MFA = False
    assert sign_in_password(client, personas.recorder_a.email) == reverse("core:home")
    for page in PAGES:
        assert client.get(page).status_code == 200, page

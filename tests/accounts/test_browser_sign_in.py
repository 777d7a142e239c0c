"""A person signs in in a real browser, enrols an authenticator app, then signs in with a code."""

from __future__ import annotations

from base64 import b32decode

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import Authenticator, Organisation, OrgRole, Region, Sector
from tests.a11y import assert_no_serious_axe_violations
from tests.accounts.helpers import code_for_key
from tests.conftest import PASSWORD, OtpClock, make_user


def _code(secret: str) -> str:
    """The code the app shows for the secret typed off the page, at the frozen OTP clock."""
    return code_for_key(b32decode(secret.replace(" ", "")))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_enrols_and_verifies_a_second_factor(
    page: Page, live_server: LiveServer, otp_clock: OtpClock
) -> None:
    organisation = Organisation.objects.create(
        name="Zone de police Charlie", sector=Sector.POLICE, region=Region.BRUSSELS
    )
    make_user("charlie@example.org", organisation=organisation, org_role=OrgRole.RECORDER)

    page.goto(live_server.url + "/accounts/login/")
    assert_no_serious_axe_violations(page)
    page.fill("#id_username", "charlie@example.org")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Configurer l'authentification à deux facteurs"
    )
    qr = page.get_by_role("img", name="Code QR pour ajouter Balise")
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the CSP lets the data: image load
    assert_no_serious_axe_violations(page)
    secret = page.get_by_test_id("totp-secret").inner_text()
    enrolment_code = _code(secret)
    page.fill("#id_code", enrolment_code)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="J'ai conservé mes codes, continuer").click()

    page.goto(live_server.url + "/accounts/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    assert_no_serious_axe_violations(page)
    page.locator("form[action='/accounts/logout/'] button").first.click()

    # Second sign-in: the code step. The enrolment code is spent (replay refused); the code of
    # the next time step opens the account. The test moves django-otp's frozen clock itself.
    page.fill("#id_username", "charlie@example.org")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second facteur")
    page.fill("#id_code", enrolment_code)
    page.get_by_role("button", name="Vérifier").click()
    expect(page.locator(".errorlist")).to_contain_text("Ce code n'est pas valide")
    assert_no_serious_axe_violations(page)
    # django-otp waits one second after a failure; lift that instead of sleeping.
    Authenticator.objects.filter(user__email="charlie@example.org").update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    otp_clock.advance()
    page.fill("#id_code", _code(secret))
    page.get_by_role("button", name="Vérifier").click()
    page.goto(live_server.url + "/accounts/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")

"""A person signs in in a real browser, enrols an authenticator app, then signs in with a code."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import Organisation, OrgRole, Region, Sector
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import PASSWORD, make_user


def _code(secret: str, steps_ahead: int = 0) -> str:
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_enrols_and_verifies_a_second_factor(page: Page, live_server: LiveServer) -> None:
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

    # Second sign-in: the code step. The enrolment code is spent (replay refused); a code of a
    # later time step, within django-otp's one-step tolerance, opens the account.
    page.fill("#id_username", "charlie@example.org")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second facteur")
    page.fill("#id_code", enrolment_code)
    page.get_by_role("button", name="Vérifier").click()
    expect(page.locator(".errorlist")).to_contain_text("Ce code n'est pas valide")
    assert_no_serious_axe_violations(page)
    page.wait_for_timeout(1100)  # django-otp's throttle after one failure lasts one second
    page.fill("#id_code", _code(secret, steps_ahead=1))
    page.get_by_role("button", name="Vérifier").click()
    page.goto(live_server.url + "/accounts/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")

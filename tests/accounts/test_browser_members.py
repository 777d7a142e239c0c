"""The members page and the deactivation confirmation, in Chromium: accessible, no sideways
scrolling at 390 px, and deactivation only after the confirmation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas, browser_sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_confirms_before_deactivating(
    page: Page, live_server: LiveServer, personas: Personas
) -> None:
    browser_sign_in(page, live_server, personas.steward_a)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/accounts/members/")
    assert_no_serious_axe_violations(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= 390")
    page.get_by_role("button", name=f"Désactiver… {personas.recorder_a.email}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Désactiver un membre")
    assert_no_serious_axe_violations(page)
    personas.recorder_a.refresh_from_db()
    assert personas.recorder_a.is_active
    page.get_by_role("button", name="Oui, désactiver").click()
    expect(
        page.get_by_role("button", name=f"Réactiver {personas.recorder_a.email}")
    ).to_be_visible()
    personas.recorder_a.refresh_from_db()
    assert not personas.recorder_a.is_active

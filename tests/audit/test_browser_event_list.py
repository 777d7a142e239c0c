"""The audit log in a real browser: readable at 1280 px, no overflow, no serious axe finding."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.audit.services import record_event
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas, browser_sign_in
from tests.observatory.conftest import assert_no_horizontal_overflow


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_log_without_overflow_and_verifies_the_chain(
    page: Page, live_server: LiveServer, personas: Personas, settings: object
) -> None:
    setattr(settings, "BALISE_JOBS_SYNC", True)  # noqa: B010 - pytest-django settings fixture
    record_event(
        "observatory.exported",
        actor=personas.steward_a,
        object_type="statistics",
        object_id="signs",
        details={"filters": {"year": "2025", "sector": "youth_aid"}, "token": "x" * 160},
    )
    browser_sign_in(page, live_server, personas.admin)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/audit/")
    expect(page.locator('[data-action="observatory.exported"]')).to_have_text(
        "Statistiques exportées"
    )
    assert_no_horizontal_overflow(page)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Vérifier la chaîne").click()
    page.goto(live_server.url + "/audit/")
    expect(page.locator("[data-last-verification]")).to_contain_text("la chaîne est intacte")
    assert_no_horizontal_overflow(page)

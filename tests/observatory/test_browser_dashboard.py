"""The analyst and public pages at phone width: no sideways scrolling, no serious axe finding."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas, browser_sign_in
from tests.observatory.conftest import Network, assert_no_horizontal_overflow


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_reads_the_dashboard_and_release_pages_at_390_px(
    page: Page, live_server: LiveServer, linked: Network, personas: Personas
) -> None:
    browser_sign_in(page, live_server, personas.analyst)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (
        "/observatory/",
        "/observatory/releases/",
        "/observatory/releases/new/",
        "/observatory/linkage/",
        "/statistics/",
    ):
        page.goto(live_server.url + path)
        assert_no_horizontal_overflow(page)
        assert_no_serious_axe_violations(page)
    page.goto(live_server.url + "/observatory/")
    page.get_by_role("link", name="Qui sont les enfants").click()  # the table of contents
    expect(page.get_by_role("heading", name="Qui sont les enfants")).to_be_in_viewport()
    expect(page.locator("[data-yearly-note]").first).to_be_visible()
    expect(page.locator('figure[data-chart="heat"] svg')).to_be_visible()

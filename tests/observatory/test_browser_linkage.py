"""The linkage runs page in a real browser: the records of each encoding version, readable at
390 px without sideways scrolling, and no serious accessibility violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.linkage.spec import CURRENT
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas, browser_sign_in
from tests.observatory.conftest import Network, assert_no_horizontal_overflow


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_the_records_of_each_version_on_a_phone(
    page: Page, live_server: LiveServer, linked: Network, personas: Personas
) -> None:
    browser_sign_in(page, live_server, personas.analyst)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/observatory/linkage/")
    expect(
        page.get_by_role("columnheader", name="Enregistrements par version d'encodage")
    ).to_be_visible()
    expect(page.get_by_role("cell", name=f"version {CURRENT.version} : 5 reliés")).to_be_visible()
    assert_no_horizontal_overflow(page)
    assert_no_serious_axe_violations(page)

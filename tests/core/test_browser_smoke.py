"""A person opens Balise in a real browser, switches language and reaches the sign-in page.

Every check waits through Playwright's ``expect`` (which retries until its timeout): a bare
``is_visible()`` or attribute read right after a click races the navigation it started.
"""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_serves_the_home_page_in_three_languages(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.select_option("#language-select", "nl")
    page.get_by_role("button", name="Changer").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Wijzigen").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page.get_by_label("Email address")).to_be_visible()

"""A person opens Balise in a real browser, switches language and reaches the sign-in page."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_serves_the_home_page_in_three_languages(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.select_option("#language-select", "nl")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Wijzigen").click()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    assert page.get_by_label("Email address").is_visible()

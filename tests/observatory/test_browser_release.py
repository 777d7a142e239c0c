"""The release workflow in a real browser: an analyst drafts, a second analyst approves, and the
public page shows the frozen tables (withheld cells marked) to anyone."""

from __future__ import annotations

import re

import pytest
from django.conf import LazySettings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import User
from balise.observatory.models import Release
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas, browser_sign_in
from tests.observatory.conftest import Network


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_drafts_approves_and_publishes_a_release(
    page: Page,
    live_server: LiveServer,
    linked: Network,
    personas: Personas,
    analyst2: User,
    settings: LazySettings,
) -> None:
    settings.BALISE_JOBS_SYNC = True
    browser_sign_in(page, live_server, personas.analyst)
    page.goto(live_server.url + "/observatory/")
    expect(page.locator('[data-figure="children"]')).to_have_text("4")
    assert_no_serious_axe_violations(page)
    page.goto(live_server.url + "/observatory/releases/new/")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Titre").fill("Balise 2025")
    page.get_by_label("Année").fill("2025")
    for box in page.locator('input[name="tables"]').all():
        box.uncheck()
    page.get_by_role("checkbox", name="Enfants par genre et tranche d'âge").check()
    page.get_by_role("checkbox", name="Situations par secteur").check()
    page.get_by_role("button", name="Enregistrer le brouillon et calculer l'aperçu").click()
    # The preview runs as a job (inline here): the answer to the POST is the job's page, so once
    # the browser is there the preview is computed and the second analyst can approve it.
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"), timeout=60_000)
    release = Release.objects.get()
    page.goto(live_server.url + f"/observatory/releases/{release.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Balise 2025")
    expect(page.get_by_role("button", name="Approuver et publier")).to_have_count(0)
    assert_no_serious_axe_violations(page)
    page.goto(live_server.url + f"/statistics/{release.pk}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Balise 2025")  # a draft: 404

    browser_sign_in(page, live_server, analyst2)
    page.goto(live_server.url + f"/observatory/releases/{release.pk}/")
    page.get_by_role("button", name="Approuver et publier").click()
    expect(page).to_have_url(live_server.url + f"/statistics/{release.pk}/")

    page.context.clear_cookies()  # the public page, for anyone
    page.goto(live_server.url + "/statistics/")
    page.get_by_role("link", name="Balise 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Balise 2025")
    expect(page.get_by_role("heading", name="Méthodologie")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()
    expect(page.locator("abbr", has_text="×").first).to_be_visible()
    assert_no_serious_axe_violations(page)

"""The release workflow in a real browser: an analyst drafts, a second analyst approves after a
confirmation, the public page shows the perturbed tables to anyone, and a withdrawal puts a
public notice on it."""

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
from tests.observatory.conftest import Network, assert_no_horizontal_overflow


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
    page.get_by_label("Année", exact=True).fill("2025")
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
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Approuver et publier…").click()
    # The confirmation says what becomes public, and asks to be ticked.
    expect(page.locator("[data-public-tables] li")).to_have_count(2)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Publier maintenant").click()
    expect(page).to_have_url(re.compile(rf"/observatory/releases/{release.pk}/approve/$"))
    assert not Release.objects.get().is_published  # the box was not ticked: still a draft
    page.get_by_label("J'ai vérifié l'aperçu et j'approuve sa publication.").check()
    page.get_by_role("button", name="Publier maintenant").click()
    expect(page).to_have_url(live_server.url + f"/statistics/{release.pk}/")

    page.context.clear_cookies()  # the public page, for anyone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/statistics/")
    page.get_by_role("link", name="Balise 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Balise 2025")
    expect(page.get_by_role("heading", name="Comment ces chiffres ont été établis")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()
    expect(page.locator("[data-plain-method]")).to_be_visible()
    page.get_by_text("Méthodologie détaillée").click()  # the specialist version, one click away
    expect(page.locator("[data-cell-key]")).to_be_visible()
    assert_no_horizontal_overflow(page)
    assert_no_serious_axe_violations(page)

    # Withdrawal: a second thought, with a public notice and its reason.
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, live_server, analyst2)
    page.goto(live_server.url + f"/observatory/releases/{release.pk}/")
    page.get_by_text("Retirer cette publication").click()
    page.get_by_label("Motif (montré au public)").fill("Erreur de couplage corrigée")
    page.get_by_role("button", name="Retirer la publication").click()
    expect(page).to_have_url(live_server.url + f"/statistics/{release.pk}/")
    page.context.clear_cookies()
    page.goto(live_server.url + f"/statistics/{release.pk}/")
    expect(page.locator("[data-withdrawal]")).to_contain_text("Erreur de couplage corrigée")
    assert_no_serious_axe_violations(page)
    assert Release.objects.get().status == Release.Status.WITHDRAWN

"""A steward imports a Belgian spreadsheet in a real browser: a background job with a progress
bar polled by htmx, the preview, the confirmation; then a file with errors and its table."""

from __future__ import annotations

import re

import pytest
from django.conf import LazySettings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import Organisation, OrgRole, Region, Sector
from balise.jobs.services import run_queued
from balise.situations.models import Situation
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import browser_sign_in, make_user
from tests.importing.conftest import CORPUS


def _sign_in(page: Page, live_server: LiveServer) -> Organisation:
    organisation = Organisation.objects.create(
        name="SAJ Echo", sector=Sector.YOUTH_AID, region=Region.WALLONIA
    )
    user = make_user("echo@example.org", organisation=organisation, org_role=OrgRole.STEWARD)
    browser_sign_in(page, live_server, user)
    return organisation


def _run_queue_while_polls_wait(page: Page) -> None:
    """Run the queued job from the test thread. The test database (SQLite shared cache) makes
    concurrent connections fail rather than wait, so the page's polls are held meanwhile."""
    page.route("**/progress/", lambda route: route.abort())
    assert run_queued() == 1
    page.unroute("**/progress/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_imports_through_a_background_job(
    page: Page, live_server: LiveServer, settings: LazySettings
) -> None:
    # Every file goes to the queue, as large files do in production.
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"
    settings.BALISE_IMPORT_SYNC_ROWS = 0
    organisation = _sign_in(page, live_server)

    page.goto(live_server.url + "/situations/import/")
    assert_no_serious_axe_violations(page)
    page.set_input_files("#id_file", str(CORPUS / "belgian_bom.csv"))
    page.get_by_role("button", name="Vérifier le fichier").click()

    # Queued: the page shows the job's state and a progress bar, and polls.
    expect(page.get_by_role("status")).to_contain_text("En attente")
    expect(page.get_by_role("progressbar")).to_be_visible()
    _run_queue_while_polls_wait(page)

    # The next poll sees the job done; htmx brings the result page with the preview.
    confirm = page.get_by_role("button", name=re.compile(r"^Confirmer"))
    expect(confirm).to_be_visible(timeout=15000)
    expect(page.locator(".import-counts")).to_contain_text("2")
    assert_no_serious_axe_violations(page)
    assert Situation.objects.filter(organisation=organisation).count() == 0
    confirm.click()

    expect(page.get_by_role("status")).to_contain_text("En attente")
    _run_queue_while_polls_wait(page)
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"2 nouvelles, 0 mises à jour, 0 inchangées"), timeout=15000
    )
    assert Situation.objects.filter(organisation=organisation).count() == 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_shows_every_problem_in_an_accessible_table(page: Page, live_server: LiveServer) -> None:
    _sign_in(page, live_server)
    page.goto(live_server.url + "/situations/import/")
    page.set_input_files("#id_file", str(CORPUS / "unknown_codes.csv"))
    page.get_by_role("button", name="Vérifier le fichier").click()

    expect(page.get_by_role("alert")).to_contain_text("3 problèmes trouvés")
    rows = page.locator("table.import-errors tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("martian")
    assert_no_serious_axe_violations(page)

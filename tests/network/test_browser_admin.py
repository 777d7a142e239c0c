"""An administrator, in a real browser, creates an organisation and finds it in the audit log."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import Organisation, PlatformRole
from balise.audit.services import verify_chain
from tests.conftest import login_verified, make_user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_creates_an_organisation_and_finds_the_event(
    page: Page, live_server: LiveServer
) -> None:
    admin = make_user("admin.browser@example.org", platform_role=PlatformRole.ADMIN)
    client = login_verified(Client(), admin)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Réseau", exact=True).click()
    page.get_by_role("link", name="Nouvelle organisation").click()
    page.get_by_label("Nom").fill("CPVS Gand (UZ Gent)")
    page.get_by_label("Secteur").select_option("health")
    page.get_by_label("Région").select_option("02000")
    page.get_by_role("button", name="Créer l'organisation").click()

    expect(page.get_by_role("status")).to_contain_text("CPVS Gand (UZ Gent)")
    row = page.get_by_role("row", name="CPVS Gand (UZ Gent)")
    expect(row).to_contain_text("Santé")
    organisation = Organisation.objects.get(name="CPVS Gand (UZ Gent)")

    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Journal d'audit"
    ).click()
    page.get_by_label("Action").select_option("network.organisation_created")
    page.get_by_role("button", name="Appliquer les filtres").click()
    table = page.get_by_role("table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(f"organisation {organisation.pk}")
    expect(table).to_contain_text("admin.browser@example.org")
    assert verify_chain().ok

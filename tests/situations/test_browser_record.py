"""A recorder records a situation in a real browser, mostly by keyboard, with inline checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import Organisation, OrgRole, Region, Sector
from balise.audit.models import AuditEvent
from balise.situations.models import Situation
from tests.conftest import browser_sign_in, make_user


def _sign_in(page: Page, live_server: LiveServer) -> Organisation:
    organisation = Organisation.objects.create(
        name="AMO Delta", sector=Sector.ASSOCIATION, region=Region.WALLONIA
    )
    user = make_user("delta@example.org", organisation=organisation, org_role=OrgRole.RECORDER)
    browser_sign_in(page, live_server, user)
    return organisation


def _check_by_keyboard(page: Page, selector: str) -> None:
    page.focus(selector)
    page.keyboard.press("Space")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_records_a_situation_through_the_form(page: Page, live_server: LiveServer) -> None:
    organisation = _sign_in(page, live_server)
    page.goto(live_server.url + "/situations/new/")

    page.focus("#id_reference")
    page.keyboard.type("AMO-2025-014")
    page.fill("#id_detection_month", "2025-04")
    page.focus("#id_arrondissement")
    page.select_option("#id_arrondissement", "52000")
    _check_by_keyboard(page, "#id_status_0")

    # Inline validation: a wrong age is announced in the field's live region when leaving it.
    page.focus("#id_age_years")
    page.keyboard.type("19")
    page.keyboard.press("Tab")
    expect(page.locator("#err_age_years")).to_contain_text("17")
    page.fill("#id_age_years", "")
    page.focus("#id_age_years")
    page.keyboard.type("15")
    page.keyboard.press("Tab")
    expect(page.locator("#err_age_years")).to_be_empty()

    _check_by_keyboard(page, "#id_gender_0")
    _check_by_keyboard(page, "#id_citizenship_group_2")

    # Submitting without a form of exploitation: the error summary takes the focus and links
    # to the field.
    page.focus(".situation-form button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    summary.locator("a[href='#id_forms_0']").click()
    expect(page.locator("#id_forms_0")).to_be_focused()
    page.keyboard.press("Space")
    _check_by_keyboard(page, "#id_signs_0")
    _check_by_keyboard(page, "#id_actions_0")
    page.fill("#id_note", "Premier contact via une application de messagerie.")
    page.focus(".situation-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("AMO-2025-014")
    situation = Situation.objects.get(organisation=organisation)
    assert situation.reference == "AMO-2025-014"
    assert situation.arrondissement == "52000"
    assert situation.age_years == 15
    assert situation.gender == "girl"
    assert situation.citizenship_group == "non_eu"
    assert situation.forms == ["prostitution"]
    assert len(situation.signs) == 1
    assert situation.note_ciphertext is not None
    assert AuditEvent.objects.filter(action="situation.create").count() == 1

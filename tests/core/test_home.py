"""The signed-in home page offers the actions of the person's role, not just "Signed in as"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import User
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas, browser_sign_in

SignIn = Callable[[User], Client]


def _actions(client: Client) -> str:
    html = client.get("/").content.decode()
    start = html.index('data-testid="home-actions"')
    return html[start : html.index("</ul>", start)]


def test_it_offers_each_role_its_actions(personas: Personas, signed_in: SignIn) -> None:
    recorder = _actions(signed_in(personas.recorder_a))
    assert 'href="/situations/new/"' in recorder
    assert 'href="/situations/import/"' not in recorder
    steward = _actions(signed_in(personas.steward_a))
    assert 'href="/situations/new/"' in steward
    assert 'href="/situations/import/"' in steward
    assert 'href="/network/secret/custodian/"' in steward
    analyst = _actions(signed_in(personas.analyst))
    assert 'href="/observatory/' in analyst
    assert "/situations/" not in analyst
    admin = _actions(signed_in(personas.admin))
    assert 'href="/network/"' in admin
    assert 'href="/observatory/' not in admin
    loner = _actions(signed_in(personas.loner))
    assert "/situations/" not in loner
    assert 'href="/accounts/me/"' in loner


def test_it_shows_no_actions_to_visitors(client: Client, db: None) -> None:
    assert 'data-testid="home-actions"' not in client.get("/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_is_accessible_for_a_steward(
    page: Page, live_server: LiveServer, personas: Personas
) -> None:
    browser_sign_in(page, live_server, personas.steward_a)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Enregistrer une situation")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth <= 390")

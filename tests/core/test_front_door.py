"""The public home page is the organisation's front door (DESIGN.md §4): in the visitor's
language it links the detection aid, the statistics, the trainings, the publications and their
feed, the newsletter and the activity reports, and shows what is new in each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas
from tests.publications.helpers import make_publication
from tests.training.factories import make_course, make_session

pytestmark = pytest.mark.django_db


def _home(client: Client, language: str = "fr") -> str:
    return client.get("/", headers={"accept-language": language}).content.decode()


def test_it_links_every_part_of_the_organisation_in_french(client: Client) -> None:
    html = _home(client)
    for href in (
        'href="/detection/"',
        'href="/detection/services/"',
        'href="/statistics/"',
        'href="/trainings/"',
        'href="/publications/"',
        'href="/publications/feed/fr.atom"',
        'href="/newsletter/"',
        'href="/activity-reports/"',
        'href="/team/"',
    ):
        assert href in html, href
    assert ">Formations</a>" in html
    assert ">Rapports d’activité</a>" in html or ">Rapports d'activité</a>" in html
    assert 'href="tel:112"' in html
    # Nothing published yet: each card says so rather than showing an empty list.
    assert "Aucune publication statistique n'a encore été diffusée." in html
    assert "Aucune session n'est ouverte aux inscriptions pour le moment." in html


def test_it_speaks_dutch_and_english(client: Client) -> None:
    dutch = _home(client, "nl")
    assert 'lang="nl"' in dutch
    assert 'href="/publications/feed/nl.atom"' in dutch
    assert "Herkennen en doorverwijzen" in dutch
    english = _home(client, "en")
    assert "Detect and refer" in english
    assert 'href="/publications/feed/en.atom"' in english


def test_it_shows_the_next_sessions_and_the_latest_publications(
    client: Client, personas: Personas
) -> None:
    course = make_course(title="Repérer les signaux")
    soon = timezone.now() + timedelta(days=20)
    make_session(course, soon)
    make_session(course, soon - timedelta(days=40))  # already given: not shown
    make_publication(
        personas.editor,
        versions={"fr": ("Les chiffres de 2025", "Résumé.", "Texte du rapport.")},
    )
    make_publication(
        personas.editor,
        versions={"nl": ("Alleen in het Nederlands", "Samenvatting.", "Tekst.")},
    )
    html = _home(client)
    assert html.count("Repérer les signaux") == 1
    assert "20 places restantes" in html
    assert "Les chiffres de 2025" in html
    assert "Alleen in het Nederlands" not in html  # the French visitor sees French versions
    assert "Alleen in het Nederlands" in _home(client, "nl")


def test_staff_actions_stay_out_of_the_public_page(client: Client) -> None:
    html = _home(client)
    for private in ("/publications/manage/", "/trainings/manage/", "/reports/", "/mail/"):
        assert f'href="{private}' not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_is_accessible_and_fits_a_phone(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Repérer et orienter")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(
        page.get_by_test_id("home-trainings").get_by_role("link", name="Formations")
    ).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= 390")

"""The catalogue in a real browser: French by default, filters and search, a phone's width,
the publication page and its PDF, axe-core clean."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.publications.models import Subscriber
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas
from tests.publications.helpers import make_publication


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_searches_and_opens_a_publication_on_a_phone(
    page: Page, live_server: LiveServer, personas: Personas
) -> None:
    make_publication(
        personas.editor,
        versions={
            "fr": (
                "Étude sur la sextorsion",
                "Ce que disent les dossiers.",
                "Un mot rare: palimpseste.",
            ),
            "nl": ("Studie over sextortion", "Wat de dossiers zeggen.", "palimpsest"),
        },
        published_on=date(2026, 4, 2),
        topics=("forms:online_sextortion",),
    )
    make_publication(personas.editor, versions={"en": ("Screening tool", "", "checklist")})
    page.set_viewport_size({"width": 390, "height": 800})

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Analyses, études, outils et rapports d'activité").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publications")
    expect(
        page.get_by_role("link", name="Suivre les nouvelles publications (flux Atom)")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(page)

    page.get_by_label("Rechercher", exact=True).fill("palimpseste")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("1 publication")
    page.get_by_role("link", name="Étude sur la sextorsion").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Étude sur la sextorsion")
    expect(page.get_by_text("Exploitation sexuelle en ligne et sextorsion")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(page)
    pdf = page.get_by_role("link", name="Studie over sextortion")
    response = page.request.get(live_server.url + str(pdf.get_attribute("href")))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_subscribes_to_the_newsletter_by_keyboard(page: Page, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/publications/")
    page.get_by_role("link", name="S'inscrire à la lettre d'information").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "S'inscrire à la lettre d'information"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(page)

    # An invalid address: the error is listed and linked to its field.
    page.get_by_label("Adresse e-mail").fill("not an address")
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.get_by_role("alert")).to_contain_text("Adresse e-mail")
    assert_no_serious_axe_violations(page)

    page.get_by_label("Adresse e-mail").fill("lectrice@example.org")
    page.get_by_label("Langue de la lettre d'information").select_option("nl")
    page.get_by_label("Adresse e-mail").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre boîte mail")
    assert_no_serious_axe_violations(page)
    assert Subscriber.objects.get().language == "nl"

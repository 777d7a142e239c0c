"""A professional registers in a real browser, on a phone's width: the list, the session, the
form (a refusal first, then a registration), the mail's link and the personal page; an editor
checks people in on a tablet (htmx). axe-core finds nothing serious on any of these pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.training.models import Registration, Status
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas, browser_sign_in
from tests.training.factories import make_course, make_registration, make_session
from tests.training.helpers import links_in


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_registers_a_professional_without_an_account(
    page: Page, live_server: LiveServer, settings: object
) -> None:
    settings.BALISE_SITE_URL = live_server.url  # type: ignore[attr-defined]
    course = make_course(title="Repérer l'exploitation sexuelle des enfants")
    make_session(
        course,
        timezone.now() + timedelta(days=14),
        questions=["Qu'attendez-vous de la formation ?"],
    )
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/trainings/?language=fr&province=04000")
    expect(page.get_by_role("heading", level=1)).to_have_text("Formations")
    _fits(page)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name=course.title).click()
    page.get_by_role("link", name="S’inscrire").click()
    page.get_by_label("Nom complet").fill("Anne Martin")
    page.get_by_label("Adresse e-mail").fill("anne@example.org")
    page.get_by_label("Secteur").select_option("police")
    page.get_by_label("Qu'attendez-vous de la formation ?").fill("Savoir à qui m'adresser")
    consent = page.get_by_label("J’accepte que mes données soient traitées", exact=False)
    expect(consent).not_to_be_checked()
    page.get_by_role("button", name="Envoyer mon inscription").click()
    expect(page.get_by_text("Veuillez cocher la case pour accepter")).to_be_visible()
    assert Registration.objects.count() == 0
    _fits(page)
    assert_no_serious_axe_violations(page)

    page.get_by_label("J’accepte que mes données soient traitées", exact=False).check()
    page.get_by_role("button", name="Envoyer mon inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre boîte mail")
    assert_no_serious_axe_violations(page)

    [link] = links_in(mail.outbox[0], "confirm")
    page.goto(live_server.url + link)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre inscription")
    expect(page.get_by_text("Inscrit·e", exact=False).first).to_be_visible()
    assert Registration.objects.get().status == Status.REGISTERED
    _fits(page)
    assert_no_serious_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_checks_people_in_on_a_tablet(
    page: Page, live_server: LiveServer, personas: Personas
) -> None:
    starts = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    session = make_session(
        make_course(),
        starts,
        registration_deadline=starts - timedelta(days=2),
        cancellation_deadline=starts - timedelta(days=1),
    )
    person = make_registration(session, 1, Status.REGISTERED, full_name="Zoé Dupont")
    browser_sign_in(page, live_server, personas.editor)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{live_server.url}/trainings/manage/sessions/{session.pk}/check-in/")
    button = page.get_by_role("button", name="Zoé Dupont", exact=False)
    assert button.bounding_box()["height"] >= 48  # type: ignore[index]  # visible: a box
    expect(button).to_have_attribute("aria-pressed", "false")
    assert_no_serious_axe_violations(page)
    page.evaluate("window.sameDocument = true")
    button.click()
    expect(page.get_by_role("button", name="Zoé Dupont", exact=False)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.sameDocument === true")  # swapped in place by htmx
    person.refresh_from_db()
    assert person.status == Status.ATTENDED
    _fits(page)
    assert_no_serious_axe_violations(page)

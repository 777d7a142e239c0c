"""The detection aid in a real browser: keyboard use, phone width, result, PDF, axe-core clean;
then a coordinator edits guidance and a recorder turns the answers into a situation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas, browser_sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_works_by_keyboard_on_a_phone_and_prints(page: Page, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/detection/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aide au repérage")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(page)

    # Keyboard only: focus a checkbox through its label and tick it with the space bar.
    page.get_by_label("Placé en institution ou en famille d'accueil").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Placé en institution ou en famille d'accueil")).to_be_checked()
    running = page.get_by_role("group", name="Fugues, surtout courtes et répétées")
    running.get_by_label("Au cours des 6 derniers mois").check()
    withdrawn = page.get_by_role("group", name="Repli sur soi")
    withdrawn.get_by_label("Il y a 6 à 12 mois").check()
    page.get_by_role("button", name="Voir le niveau d'inquiétude").focus()
    page.keyboard.press("Enter")

    # 1 + 5 + 0 = 6 points: mild; the heading takes focus so a screen reader reads the result.
    expect(page.get_by_text("Niveau d'inquiétude : Inquiétude légère")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "result-heading"
    expect(page.get_by_role("table")).to_contain_text("Fugues, surtout courtes et répétées")
    expect(page.get_by_role("link", name="116 000")).to_have_attribute("href", "tel:116000")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(page)

    # The print stylesheet hides the site chrome and the buttons.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Modifier les réponses")).to_be_hidden()
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger le résumé (PDF)").click()
    path = download_info.value.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Changing the answers brings them back in the form.
    page.get_by_role("button", name="Modifier les réponses").click()
    expect(page.get_by_label("Placé en institution ou en famille d'accueil")).to_be_checked()
    expect(running.get_by_label("Au cours des 6 derniers mois")).to_be_checked()
    page.get_by_role(
        "group", name="Disparu(e) en ce moment avec une crainte d'exploitation", exact=False
    ).get_by_label("Au cours des 6 derniers mois").check()
    page.get_by_role("button", name="Voir le niveau d'inquiétude").click()
    expect(page.get_by_text("Niveau d'inquiétude : Danger immédiat")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="appelez le 112")).to_be_visible()
    assert_no_serious_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_guidance")
def test_it_lets_a_coordinator_edit_and_a_recorder_record(
    page: Page, live_server: LiveServer, personas: Personas
) -> None:
    browser_sign_in(page, live_server, personas.admin)
    page.goto(live_server.url + "/detection/guidance/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Danger immédiat, en", exact=False).click()
    page.get_by_label("Texte").fill("Call 112 now.\nThen call the duty prosecutor.")
    page.get_by_role("button", name="Enregistrer comme nouvelle version").click()
    expect(page.locator(".message.success")).to_have_text("Version 2 enregistrée.")
    expect(page.get_by_role("table")).to_contain_text("Then call the duty prosecutor.")
    assert_no_serious_axe_violations(page)

    page.context.clear_cookies()
    browser_sign_in(page, live_server, personas.recorder_a)
    page.goto(live_server.url + "/detection/")
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Changer").click()
    page.get_by_role(
        "group", name="Missing now with a concern of exploitation", exact=False
    ).get_by_label("In the last 6 months").check()
    page.get_by_label("Living in residential or foster care").check()
    page.get_by_role("button", name="See the concern level").click()
    expect(
        page.get_by_role("listitem").filter(has_text="Then call the duty prosecutor.")
    ).to_be_visible()
    page.get_by_role("link", name="Record a situation with these signs and vulnerabilities").click()
    expect(
        page.get_by_role("checkbox", name="Living in residential or foster care")
    ).to_be_checked()
    expect(
        page.get_by_role("checkbox", name="Missing now with a concern of exploitation")
    ).to_be_checked()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_guidance")
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_it_shows_112_in_the_first_viewport_for_immediate_danger(
    page: Page, live_server: LiveServer, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/detection/")
    page.get_by_role(
        "group", name="Disparu(e) en ce moment avec une crainte d'exploitation", exact=False
    ).get_by_label("Au cours des 6 derniers mois").check()
    page.get_by_role("button", name="Voir le niveau d'inquiétude").click()

    expect(
        page.get_by_role("heading", name="Danger immédiat : appelez le 112 maintenant")
    ).to_be_visible()
    call = page.get_by_role("link", name="Appeler le 112")
    expect(call).to_have_attribute("href", "tel:112")
    # The page opens scrolled to the top (the heading takes focus): the button must be seen there.
    assert page.evaluate("window.scrollY") == 0
    box = call.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= height
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_finds_the_services_of_a_postcode_on_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/detection/services/")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Code postal").fill("6000")
    page.get_by_role("button", name="Trouver les services").click()
    page.get_by_role("link", name="Charleroi").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Charleroi")
    expect(page.get_by_text("Service de l'aide à la jeunesse (SAJ) de Charleroi")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_serious_axe_violations(page)

"""A recorder sets the device secret and records a situation with an identity, in Chromium.

Every request the page sends (secret setup included) is captured; no spelling of a name, of the
birth date, nor the secret may appear in any URL, header or body. The stored encoding must equal
what `balise encode` writes for the same values.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from balise.linkage.spec import CURRENT
from balise.situations.models import Situation
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import browser_sign_in
from tests.privacy.conftest import SecretFile, browser_recorder
from tests.privacy.leaks import Sent, find_leaks, identity_needles, secret_needles
from tests.situations.conftest import stored_encoding

BALISE = Path(sys.executable).with_name("balise")
FIRST = {
    "first_name": "Marie-Éloïse",
    "last_name": "Van den Broeckhoven",
    "birth_date": "2011-05-04",
    "sex": "F",
}
# The edit replaces the encoding; the birth date is typed the Belgian way.
SECOND = {
    "first_name": "Youssef",
    "last_name": "El Amraninejad",
    "birth_date": "2009-11-23",
    "sex": "M",
}


def balise_encode(secret: SecretFile, identity: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Runs the organisation-side CLI on a one-row file and returns its encoding columns."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["record_id", *identity])
        writer.writeheader()
        writer.writerow({"record_id": "R1", **identity})
    subprocess.run(
        [str(BALISE), "encode", "--secret", str(secret.path), "--input", str(source),
         "--output", str(target)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    with target.open(encoding="utf-8", newline="") as handle:
        return next(csv.DictReader(handle))


def _capture(page: Page) -> list[Request]:
    requests: list[Request] = []

    def keep(request: Request) -> None:
        requests.append(request)

    page.on("request", keep)
    return requests


def _sent(requests: list[Request]) -> list[Sent]:
    return [Sent(r.url, r.all_headers(), r.post_data_buffer or b"") for r in requests]


def _fill_situation(page: Page) -> None:
    page.fill("#id_detection_month", "2025-04")
    page.select_option("#id_arrondissement", "21000")
    page.check("#id_status_0")
    page.check("#id_gender_0")
    page.check("#id_citizenship_group_2")
    page.check("#id_forms_0")


def _type_identity(page: Page, identity: dict[str, str], birth_date: str) -> None:
    # By keyboard: focus, type, Tab away (a change event encodes).
    for selector, value in (
        ("#identity-first-name", identity["first_name"]),
        ("#identity-last-name", identity["last_name"]),
        ("#identity-birth-date", birth_date),
    ):
        page.focus(selector)
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.select_option("#identity-sex", identity["sex"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_encodes_on_the_device_and_sends_no_identity(
    page: Page, live_server: LiveServer, secret_file: SecretFile, tmp_path: Path
) -> None:
    user = browser_recorder()
    browser_sign_in(page, live_server, user)
    requests = _capture(page)

    # Without the secret, the form says what to do and the identity inputs stay disabled.
    page.goto(live_server.url + "/situations/new/")
    expect(page.locator("#identity-missing")).to_be_visible()
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "missing")
    expect(page.locator("#identity-first-name")).to_be_disabled()
    assert_no_serious_axe_violations(page)

    # Setup page (the form's link opens it in a new tab, so a half-filled form is kept): nothing
    # stored, a damaged file is refused with an announced error.
    assert page.locator("#identity-missing a").get_attribute("target") == "_blank"
    page.goto(live_server.url + (page.locator("#identity-missing a").get_attribute("href") or ""))
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "missing")
    expect(page.locator("#secret-remove")).to_be_hidden()
    page.click("#secret-file-way summary")
    assert page.locator("#device-secret form").count() == 0
    assert page.locator("#device-secret [name]").count() == 0
    page.fill("#secret-text", secret_file.text.replace(secret_file.secret.key_id, "0" * 16))
    page.click("#secret-save")
    expect(page.locator("#secret-error")).not_to_be_empty()
    expect(page.locator("#secret-text")).to_have_attribute("aria-invalid", "true")
    assert_no_serious_axe_violations(page)

    page.fill("#secret-text", secret_file.text)
    page.focus("#secret-save")
    page.keyboard.press("Enter")
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "set")
    expect(page.locator("#secret-key-id")).to_have_text(secret_file.secret.key_id)
    expect(page.locator("#secret-version")).to_have_text(str(CURRENT.version))
    expect(page.locator("#secret-text")).to_have_value("")
    assert_no_serious_axe_violations(page)

    # The form: identity typed by keyboard, encoded on change, plain inputs emptied on submit.
    page.goto(live_server.url + "/situations/new/")
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "ready")
    _fill_situation(page)
    _type_identity(page, FIRST, FIRST["birth_date"])
    expect(page.locator("#identity_encoding")).not_to_have_value("")
    expect(page.locator("#identity-status")).to_contain_text(secret_file.secret.key_id[:4])
    expect(page.locator("#identity-status")).to_contain_text("Encodé avec la clé")  # French UI
    assert_no_serious_axe_violations(page)
    page.focus(".situation-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("BAL-")

    situation = Situation.objects.get(organisation=user.organisation)
    expected = balise_encode(secret_file, FIRST, tmp_path)
    assert stored_encoding(situation) == expected["balise_encoding"]
    assert situation.identity_version == expected["balise_version"] == str(CURRENT.version)
    assert situation.identity_key_id == expected["balise_key_id"] == secret_file.secret.key_id

    # Editing replaces the encoding (birth date typed as DD/MM/YYYY).
    page.goto(live_server.url + f"/situations/{situation.pk}/edit/")
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "ready")
    expect(page.locator("#identity-status")).to_contain_text(secret_file.secret.key_id[:4])
    _type_identity(page, SECOND, "23/11/2009")
    page.click(".situation-form button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()
    situation.refresh_from_db()
    assert (
        stored_encoding(situation)
        == balise_encode(secret_file, SECOND, tmp_path)["balise_encoding"]
    )

    # A wrong birth date is announced next to the field and nothing is encoded.
    page.goto(live_server.url + f"/situations/{situation.pk}/edit/")
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "ready")
    page.fill("#identity-birth-date", "31/02/2010")
    page.click(".situation-form button[type=submit]")
    expect(page.locator("#identity-birth-date")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#identity-birth-date-error")).not_to_be_empty()
    expect(page.locator("#identity-birth-date")).to_be_focused()
    assert page.locator("#identity_encoding").input_value() == ""

    # Removing the secret from the device.
    page.goto(live_server.url + "/situations/device-secret/")
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "set")
    page.click("#secret-remove")
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "missing")
    assert page.evaluate("() => window.localStorage.length") == 0

    sent = _sent(requests)
    assert any(s.body and b"identity_encoding" in s.body for s in sent)  # the capture works
    needles = identity_needles(FIRST) | identity_needles(SECOND) | {"23/11/2009", "31/02/2010"}
    assert find_leaks(sent, needles | secret_needles(secret_file.secret)) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_takes_the_secret_from_a_file(
    page: Page, live_server: LiveServer, secret_file: SecretFile
) -> None:
    browser_sign_in(page, live_server, browser_recorder())
    requests = _capture(page)
    page.goto(live_server.url + "/situations/device-secret/")
    page.click("#secret-file-way summary")
    page.set_input_files("#secret-file", str(secret_file.path))
    page.click("#secret-save")
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "set")
    expect(page.locator("#secret-key-id")).to_have_text(secret_file.secret.key_id)
    page.reload()
    expect(page.locator("#secret-key-id")).to_have_text(secret_file.secret.key_id)
    assert find_leaks(_sent(requests), secret_needles(secret_file.secret)) == []

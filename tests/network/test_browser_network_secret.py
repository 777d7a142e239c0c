"""The network secret handed out in the app, in Chromium: no file, no terminal.

The key custodian creates the secret in their browser and an unlock code for an organisation; a
first-time recorder of that organisation signs in, enrols a second factor, starts a situation,
unlocks the secret inside the form with the code and records an identity. Every request of both
people is captured: no secret, no unlock code, no name and no birth date may appear in any.
"""

from __future__ import annotations

import re
from base64 import b32decode
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import Organisation, OrgRole, Region, Sector
from balise.linkage.encode import Encoder
from balise.linkage.secret import loads_secret, new_secret
from balise.network.models import KeyCustodian, NetworkKey, WrappedSecret
from balise.situations.models import Situation
from tests.a11y import assert_no_serious_axe_violations
from tests.accounts.helpers import code_for_key
from tests.conftest import PASSWORD, browser_sign_in, make_user
from tests.network.wrapping import unwrap_secret, wrap_secret
from tests.privacy.leaks import Sent, find_leaks, identity_needles, secret_needles
from tests.situations.conftest import stored_encoding

IDENTITY = {
    "first_name": "Anaïs-Rukiya",
    "last_name": "Vanderstraeten",
    "birth_date": "2012-08-19",
    "sex": "F",
}
STORAGE = "balise.network-secret"


def _capture(page: Page) -> list[Request]:
    requests: list[Request] = []

    def keep(request: Request) -> None:
        requests.append(request)

    page.on("request", keep)
    return requests


def _sent(requests: list[Request]) -> list[Sent]:
    return [Sent(r.url, r.all_headers(), r.post_data_buffer or b"") for r in requests]


def _totp(secret: str) -> str:
    """The authenticator app's code for the key typed off the page (at the frozen OTP clock)."""
    return code_for_key(b32decode(secret.replace(" ", "")))


def _organisation() -> Organisation:
    return Organisation.objects.create(
        name="Service Echo", sector=Sector.YOUTH_AID, region=Region.BRUSSELS
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_takes_a_first_time_recorder_from_sign_in_to_a_saved_situation(
    page: Page, chromium: Browser, live_server: LiveServer
) -> None:
    organisation = _organisation()
    custodian = make_user(
        "custodian@example.org", organisation=organisation, org_role=OrgRole.STEWARD
    )
    KeyCustodian.objects.create(user=custodian)
    make_user("first@example.org", organisation=organisation, org_role=OrgRole.RECORDER)

    # The custodian creates the secret in the browser, then an unlock code for the organisation.
    context = chromium.new_context(locale="fr-BE")
    custodian_page = context.new_page()
    custodian_page.set_default_timeout(30000)
    browser_sign_in(custodian_page, live_server, custodian)
    custodian_requests = _capture(custodian_page)
    custodian_page.goto(live_server.url + "/network/secret/custodian/")
    expect(custodian_page.locator("#custodian")).to_have_attribute("data-state", "missing")
    assert_no_serious_axe_violations(custodian_page)
    custodian_page.click("#create-secret")
    expect(custodian_page.locator("#custodian")).to_have_attribute("data-state", "ready")
    secret_text = custodian_page.evaluate(f"() => localStorage.getItem('{STORAGE}')")
    secret = loads_secret(secret_text)  # the same file `balise secret new` writes
    assert NetworkKey.objects.get().key_id == secret.key_id
    custodian_page.click(f".make-code[data-organisation='{organisation.pk}']")
    output = custodian_page.locator(f"#code-{organisation.pk}")
    expect(output).to_have_attribute("data-code", re.compile(r"^([0-9A-Z]{5}-){3}[0-9A-Z]{5}$"))
    code = output.get_attribute("data-code") or ""
    expect(output).to_contain_text(code)
    assert_no_serious_axe_violations(custodian_page)
    wrap = WrappedSecret.objects.get(organisation=organisation)
    assert unwrap_secret(wrap.wrapped, code) == secret_text  # Python opens what the browser made
    custodian_sent = _sent(custodian_requests)
    context.close()

    # The first-time recorder: sign-in, second factor, then straight to a new situation.
    requests = _capture(page)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "first@example.org")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.fill("#id_code", _totp(page.get_by_test_id("totp-secret").inner_text()))
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="J'ai conservé mes codes, continuer").click()
    page.goto(live_server.url + "/situations/new/")

    # The situation half filled in before the identity step.
    page.fill("#id_detection_month", "2025-04")
    page.select_option("#id_arrondissement", "21000")
    page.check("#id_status_0")
    page.check("#id_gender_0")
    page.check("#id_citizenship_group_2")
    page.check("#id_forms_0")

    step = page.locator("#identity-step")
    expect(step).to_have_attribute("data-state", "missing")
    expect(page.locator("#identity-first-name")).to_be_disabled()
    assert page.locator("#identity-missing [name]").count() == 0  # nothing there is submitted
    assert_no_serious_axe_violations(page)

    # A well-formed but wrong code is refused in the page; then the right one, typed loosely.
    page.fill("#unlock-code", "00000-00000-00000-00000")
    page.press("#unlock-code", "Enter")
    expect(page.locator("#unlock-error")).not_to_be_empty()
    expect(page.locator("#unlock-code")).to_have_attribute("aria-invalid", "true")
    expect(step).to_have_attribute("data-state", "missing")
    page.fill("#unlock-code", code.lower().replace("-", " "))
    page.press("#unlock-code", "Enter")
    expect(step).to_have_attribute("data-state", "ready")
    expect(page.locator("#identity-missing")).to_be_hidden()
    expect(page.locator("#identity-first-name")).to_be_focused()
    expect(page.locator("#id_detection_month")).to_have_value("2025-04")  # nothing lost
    assert page.evaluate(f"() => localStorage.getItem('{STORAGE}')") == secret_text

    for selector, value in (
        ("#identity-first-name", IDENTITY["first_name"]),
        ("#identity-last-name", IDENTITY["last_name"]),
        ("#identity-birth-date", "19/08/2012"),
    ):
        page.focus(selector)
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.select_option("#identity-sex", IDENTITY["sex"])
    expect(page.locator("#identity_encoding")).not_to_have_value("")
    assert_no_serious_axe_violations(page)
    page.click(".situation-form button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_contain_text("BAL-")

    situation = Situation.objects.get(organisation=organisation)
    assert situation.identity_key_id == secret.key_id
    assert stored_encoding(situation) == Encoder(secret).encode(
        IDENTITY["first_name"], IDENTITY["last_name"], IDENTITY["birth_date"], IDENTITY["sex"]
    )

    sent = custodian_sent + _sent(requests)
    assert any(s.body and b"identity_encoding" in s.body for s in sent)  # the capture works
    assert any(s.body and b"ciphertext" in s.body for s in sent)  # the wrap was posted
    needles = identity_needles(IDENTITY) | secret_needles(secret) | {"19/08/2012"}
    needles |= {code, code.replace("-", "")}
    assert find_leaks(sent, needles) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_says_when_the_device_holds_another_network_key(
    page: Page, live_server: LiveServer
) -> None:
    organisation = _organisation()
    recorder = make_user("echo@example.org", organisation=organisation, org_role=OrgRole.RECORDER)
    old, current = new_secret(), new_secret()
    key = NetworkKey.objects.create(key_id=current.key_id)
    WrappedSecret.objects.create(
        organisation=organisation, network_key=key, wrapped=wrap_secret(current.dumps(), key.key_id)
    )
    browser_sign_in(page, live_server, recorder)

    # The device-secret page: nothing stored means no Remove button.
    page.goto(live_server.url + "/situations/device-secret/")
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "missing")
    expect(page.locator("#secret-remove")).to_be_hidden()
    page.evaluate(f"(text) => localStorage.setItem('{STORAGE}', text)", old.dumps())
    page.reload()
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "wrong-network")
    expect(page.locator("#secret-state")).to_contain_text(current.key_id)
    expect(page.locator("#secret-remove")).to_be_visible()
    assert_no_serious_axe_violations(page)

    # The form refuses to encode with the old key and offers the unlock step.
    page.goto(live_server.url + "/situations/new/")
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "wrong-network")
    expect(page.locator("#identity-first-name")).to_be_disabled()
    expect(page.locator("#identity-missing-text")).to_contain_text(current.key_id[:4])
    page.fill("#unlock-code", "K7Q2M-9XR4T-B8W3N-C6V5P")
    page.click("#unlock-button")
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "ready")
    assert page.evaluate(f"() => localStorage.getItem('{STORAGE}')") == current.dumps()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_keeps_a_chosen_file_only_when_asked(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    organisation = _organisation()
    recorder = make_user("echo@example.org", organisation=organisation, org_role=OrgRole.RECORDER)
    secret = new_secret()
    path = tmp_path / "network.secret.json"
    path.write_text(secret.dumps(), encoding="utf-8")
    browser_sign_in(page, live_server, recorder)
    page.goto(live_server.url + "/situations/device-secret/")
    page.click("#secret-file-way summary")
    page.set_input_files("#secret-file", str(path))
    expect(page.locator("#secret-state")).to_contain_text(secret.key_id)
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "missing")
    page.click("#secret-save")
    expect(page.locator("#device-secret")).to_have_attribute("data-state", "set")
    expect(page.locator("#secret-error")).to_be_empty()  # no contradictory "empty" error
    expect(page.locator("#secret-key-id")).to_have_text(secret.key_id)

"""In Chromium: the birth-date spellings the identity step accepts encode exactly as the ISO date
does in Python; wrong ones are announced; a stored encoding from another key is flagged."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.linkage.encode import Encoder
from balise.linkage.normalise import plausible_parts
from balise.situations.models import Situation
from balise.situations.services import situation_create
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import browser_sign_in
from tests.privacy.conftest import SecretFile, browser_recorder
from tests.situations.conftest import valid_data

ACCEPTED = [
    ("2011-05-04", "2011-05-04"),
    ("04/05/2011", "2011-05-04"),
    ("4/5/2011", "2011-05-04"),
    ("04.05.2011", "2011-05-04"),
    ("04-05-2011", "2011-05-04"),
    ("05/2011", "2011-05"),
    ("2011-05", "2011-05"),
    (" 2010 ", "2010"),  # an estimated year
    ("12/05", "--05-12"),  # day and month, no year (spec v2)
    ("--05-12", "--05-12"),
    ("", ""),
]
REFUSED = ["31/02/2010", "2010-13", "13/2010", "04/05/11", "mai 2010", "2999"]


def _store_secret(page: Page, live_server: LiveServer, secret: SecretFile) -> None:
    page.goto(live_server.url + "/situations/device-secret/")
    page.evaluate(
        "([key, text]) => window.localStorage.setItem(key, text)",
        ["balise.network-secret", secret.text],
    )


def _type_birth_date(page: Page, text: str) -> None:
    page.fill("#identity-birth-date", text)
    page.locator("#identity-birth-date").dispatch_event("change")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_reads_birth_dates_as_professionals_write_them(
    page: Page, live_server: LiveServer, secret_file: SecretFile
) -> None:
    browser_sign_in(page, live_server, browser_recorder())
    _store_secret(page, live_server, secret_file)
    page.goto(live_server.url + "/situations/new/")
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "ready")
    page.fill("#identity-first-name", "Nour")
    encoder = Encoder(secret_file.secret)

    for typed, iso in ACCEPTED:
        _type_birth_date(page, typed)
        expected = encoder.encode("Nour", "", iso, "")
        expect(page.locator("#identity_encoding")).to_have_value(expected)
        expect(page.locator("#identity-birth-date-error")).to_be_empty()

    for typed in REFUSED:
        _type_birth_date(page, typed)
        expect(page.locator("#identity-birth-date")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#identity-birth-date-error")).not_to_be_empty()
        expect(page.locator("#identity_encoding")).to_have_value("")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_flags_a_stored_encoding_from_another_key(
    page: Page, live_server: LiveServer, secret_file: SecretFile
) -> None:
    user = browser_recorder()
    assert user.organisation is not None
    situation: Situation = situation_create(
        actor=user,
        organisation=user.organisation,
        data=valid_data(
            identity_encoding=base64.b64encode(bytes(128)).decode(),
            identity_version="1",
            identity_key_id="00000000000000ff",
        ),
    )
    browser_sign_in(page, live_server, user)
    _store_secret(page, live_server, secret_file)
    page.goto(live_server.url + f"/situations/{situation.pk}/edit/")
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "ready")
    expect(page.locator("#identity-error")).to_contain_text("0000…")
    expect(page.locator("#identity-error")).to_contain_text(secret_file.secret.key_id[:4])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_offers_to_keep_the_plausible_part_of_an_impossible_date(
    page: Page, live_server: LiveServer, secret_file: SecretFile
) -> None:
    browser_sign_in(page, live_server, browser_recorder())
    _store_secret(page, live_server, secret_file)
    page.goto(live_server.url + "/situations/new/")
    expect(page.locator("#identity-step")).to_have_attribute("data-state", "ready")
    page.fill("#identity-first-name", "Nour")
    encoder = Encoder(secret_file.secret)
    keep = page.locator("#identity-birth-date-keep")
    expect(keep).to_be_hidden()

    _type_birth_date(page, "92/11/1955")
    expect(page.locator("#identity-birth-date")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#identity-birth-date-error")).not_to_be_empty()
    expect(page.locator("#identity_encoding")).to_have_value("")
    expect(keep).to_be_visible()
    expect(keep).to_contain_text("1955-11")
    keep.click()
    expect(page.locator("#identity_encoding")).to_have_value(
        encoder.encode("Nour", "", "1955-11", "")
    )
    expect(page.locator("#identity-birth-date-error")).to_be_empty()
    expect(keep).to_be_hidden()
    expect(page.locator("#identity-status")).to_contain_text("1955-11")

    # a day/month swap keeps the year, and day and month in either order
    _type_birth_date(page, "2010-25-03")
    expect(keep).to_contain_text("03")
    expect(page.locator("#identity_encoding")).to_have_value("")
    keep.click()
    kept = plausible_parts("2010-25-03", today=dt.date(2026, 1, 1))[0]
    expect(page.locator("#identity_encoding")).to_have_value(encoder.encode("Nour", "", kept, ""))

    # a typo in the year keeps month and day, a date without a year (spec v2)
    _type_birth_date(page, "12/05/2204")
    expect(keep).to_contain_text("--05-12")
    assert_no_serious_axe_violations(page)
    keep.click()
    expect(page.locator("#identity_encoding")).to_have_value(
        encoder.encode("Nour", "", "--05-12", "")
    )

    # another date: the choice does not carry over, and a valid one needs none
    _type_birth_date(page, "30/02/2012")
    expect(keep).to_contain_text("2012-02")
    expect(page.locator("#identity_encoding")).to_have_value("")
    _type_birth_date(page, "2012-02-29")
    expect(keep).to_be_hidden()
    expect(page.locator("#identity_encoding")).to_have_value(
        encoder.encode("Nour", "", "2012-02-29", "")
    )

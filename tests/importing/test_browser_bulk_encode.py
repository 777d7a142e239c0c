"""A steward imports a file of NAMES from the import page: read and encoded in the browser.

The CSV (and the same table as XLSX) is read in Chromium, encoded with encoding.js and the
network secret on the device, and only the encoded table goes to the usual import check. Every
request is captured: no name, no birth date and no secret may appear. The stored encodings must
equal what `balise encode` writes for the same file.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import Organisation, OrgRole, Region, Sector
from balise.linkage.secret import NetworkSecret, new_secret
from balise.situations.models import Situation
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import browser_sign_in, make_user
from tests.privacy.leaks import Sent, find_leaks, identity_needles, secret_needles
from tests.situations.conftest import stored_encoding

BALISE = Path(sys.executable).with_name("balise")
SITUATION_COLUMNS = ["mois_detection", "arrondissement", "age", "genre", "nationalite", "mena",
                     "formes", "statut"]  # fmt: skip
FORMS = "Exploitation dans la prostitution|Traite à des fins sexuelles"
SITUATION = ["15/03/2025", "21000", "15", "Fille", "Belge", "non", FORMS, "Victime présumée"]
PEOPLE = [
    {"record_id": "N-001", "first_name": "Marie-Éloïse", "last_name": "Van den Broeckhoven",
     "birth_date": "2011-05-04", "sex": "F"},
    {"record_id": "N-002", "first_name": "Youssef", "last_name": "El Amraninejad",
     "birth_date": "2009-11-23", "sex": "M"},
    {"record_id": "N-003", "first_name": "Anaïs, Rukiya", "last_name": "Vanderstraeten",
     "birth_date": "2012", "sex": ""},
]  # fmt: skip
IDENTITY = ["record_id", "first_name", "last_name", "birth_date", "sex"]


def _write_csv(path: Path, people: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(IDENTITY + SITUATION_COLUMNS)
        for person in people:
            writer.writerow([person[c] for c in IDENTITY] + SITUATION)


def _cli_encode(
    secret: NetworkSecret, source: Path, tmp_path: Path, *options: str
) -> dict[str, str]:
    secret_path, target = tmp_path / "network.secret.json", tmp_path / "cli.csv"
    secret_path.write_text(secret.dumps(), encoding="utf-8")
    subprocess.run(
        [str(BALISE), "encode", "--secret", str(secret_path), "--input", str(source),
         "--output", str(target), *options],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    with target.open(encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["balise_encoding"] for row in csv.DictReader(handle)}


def _capture(page: Page) -> list[Request]:
    requests: list[Request] = []

    def keep(request: Request) -> None:
        requests.append(request)

    page.on("request", keep)
    return requests


def _import(page: Page, live_server: LiveServer, path: Path) -> None:
    page.goto(live_server.url + "/situations/import/")
    page.set_input_files("#bulk-file", str(path))
    page.click("#bulk-run")
    confirm = page.get_by_role("button", name="Confirmer l'import")
    expect(confirm).to_be_visible(timeout=30000)
    confirm.click()
    expect(page.get_by_role("status")).to_contain_text("nouvelles", timeout=30000)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_encodes_a_file_of_names_in_the_browser(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    organisation = Organisation.objects.create(
        name="SAJ Echo", sector=Sector.YOUTH_AID, region=Region.WALLONIA
    )
    steward = make_user("echo@example.org", organisation=organisation, org_role=OrgRole.STEWARD)
    secret = new_secret()
    names_csv = tmp_path / "names.csv"
    _write_csv(names_csv, PEOPLE)
    expected = _cli_encode(secret, names_csv, tmp_path)

    browser_sign_in(page, live_server, steward)
    requests = _capture(page)
    page.goto(live_server.url + "/situations/import/")
    expect(page.locator("#bulk-no-secret")).to_be_visible()
    page.evaluate("(text) => localStorage.setItem('balise.network-secret', text)", secret.dumps())

    # A file with an impossible birth date: every refusal listed in the page, nothing sent.
    wrong = tmp_path / "wrong.csv"
    _write_csv(
        wrong, [PEOPLE[0], {**PEOPLE[1], "birth_date": "31/02/2010"}, {**PEOPLE[2], "sex": "Q"}]
    )
    page.reload()
    expect(page.locator("#bulk-no-secret")).to_be_hidden()
    assert page.locator("#bulk-encode [name]").count() == 0  # nothing there is submitted
    posts_before = sum(r.method == "POST" for r in requests)
    page.set_input_files("#bulk-file", str(wrong))
    page.click("#bulk-run")
    expect(page.locator("#bulk-error-rows tr")).to_have_count(2)
    expect(page.locator("#bulk-error-summary")).to_be_focused()
    expect(page.locator("#bulk-error-rows")).to_contain_text("N-002")
    assert_no_serious_axe_violations(page)
    assert sum(r.method == "POST" for r in requests) == posts_before

    # The CSV of names: encoded here, checked and confirmed as any import.
    _import(page, live_server, names_csv)
    stored = {
        situation.reference: stored_encoding(situation)
        for situation in Situation.objects.filter(organisation=organisation)
    }
    assert stored == expected
    assert set(Situation.objects.values_list("identity_key_id", flat=True)) == {secret.key_id}

    # The same people as XLSX (a date cell, a Belgian date, a number cell): the same encodings.
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(IDENTITY + SITUATION_COLUMNS)
    for person in PEOPLE:
        birth: object = person["birth_date"]
        if person["record_id"] == "N-001":
            birth = dt.date(2011, 5, 4)  # a date cell
        elif person["record_id"] == "N-002":
            birth = "23/11/2009"  # typed the Belgian way
        sheet.append(["X" + person["record_id"], person["first_name"], person["last_name"],
                      birth, person["sex"], *SITUATION[:2], 15, *SITUATION[3:]])  # fmt: skip
    names_xlsx = tmp_path / "names.xlsx"
    book.save(names_xlsx)
    _import(page, live_server, names_xlsx)
    for record_id, encoding in expected.items():
        assert stored_encoding(Situation.objects.get(reference="X" + record_id)) == encoding

    sent = [Sent(r.url, r.all_headers(), r.post_data_buffer or b"") for r in requests]
    assert any(s.body and b"balise_encoding" in s.body for s in sent)  # the capture works
    needles = set(secret_needles(secret)) | {"31/02/2010", "23/11/2009"}
    for person in PEOPLE:
        needles |= identity_needles(person)
    assert find_leaks(sent, needles) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_reads_a_large_xlsx_under_the_pages_policy(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    # fflate unzips archives over 512 KB in a blob: worker, which the CSP forbids; the reader
    # must still return every row (on the page's own thread).
    organisation = Organisation.objects.create(
        name="SAJ Echo", sector=Sector.YOUTH_AID, region=Region.WALLONIA
    )
    steward = make_user("echo@example.org", organisation=organisation, org_role=OrgRole.STEWARD)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(IDENTITY + SITUATION_COLUMNS)
    for i in range(12_000):
        sheet.append([f"R{i:05d}", f"Prénom{i}", f"Nom{i * 7919 % 100_003}", "2010-01-01", "F",
                      *SITUATION])  # fmt: skip
    path = tmp_path / "large.xlsx"
    book.save(path)
    assert path.stat().st_size > 512 * 1024
    browser_sign_in(page, live_server, steward)
    page.goto(live_server.url + "/situations/import/")
    count = page.evaluate(
        """async (text) => {
            const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
            const sheets = await window.readXlsxFile(new Blob([bytes]));
            return sheets[0].data.length;
        }""",
        base64.b64encode(path.read_bytes()).decode("ascii"),
    )
    assert count == 12_001


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_plausible_part_of_impossible_dates_on_request(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    organisation = Organisation.objects.create(
        name="SAJ Echo", sector=Sector.YOUTH_AID, region=Region.WALLONIA
    )
    steward = make_user("echo@example.org", organisation=organisation, org_role=OrgRole.STEWARD)
    secret = new_secret()
    people = [
        PEOPLE[0],
        {**PEOPLE[1], "birth_date": "2009-11-31"},  # 31 November: 2009-11 is kept
        {**PEOPLE[2], "birth_date": "2012-25-03"},  # month 25: 2012, and {03, 25}
    ]
    names_csv = tmp_path / "names.csv"
    _write_csv(names_csv, people)
    expected = _cli_encode(secret, names_csv, tmp_path, "--damaged-dates", "keep-plausible")

    browser_sign_in(page, live_server, steward)
    page.goto(live_server.url + "/situations/import/")
    page.evaluate("(text) => localStorage.setItem('balise.network-secret', text)", secret.dumps())
    page.reload()
    requests = _capture(page)
    page.set_input_files("#bulk-file", str(names_csv))
    page.click("#bulk-run")
    expect(page.locator("#bulk-error-rows tr")).to_have_count(2)
    keep = page.locator("#bulk-keep")
    expect(keep).to_be_visible()
    expect(keep).to_contain_text("2")
    assert not any(r.method == "POST" for r in requests)  # nothing sent before the choice
    assert_no_serious_axe_violations(page)

    keep.click()
    confirm = page.get_by_role("button", name="Confirmer l'import")
    expect(confirm).to_be_visible(timeout=30000)
    confirm.click()
    expect(page.get_by_role("status")).to_contain_text("nouvelles", timeout=30000)
    stored = {
        situation.reference: stored_encoding(situation)
        for situation in Situation.objects.filter(organisation=organisation)
    }
    assert stored == expected

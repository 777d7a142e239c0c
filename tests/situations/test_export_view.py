"""Exports: the organisation's situations only, readable or with codes, both importing back,
formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.core.formulas import neutralise_formula
from balise.situations.columns import READABLE_HEADERS
from balise.situations.exporting import COLUMNS
from balise.situations.importing import run_import
from balise.situations.models import Situation
from tests.conftest import Personas
from tests.situations.conftest import RecordSituation

SignIn = Callable[[User], Client]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+32 2 000", "'+32 2 000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("DOSS-1", "DOSS-1"),
        ("", ""),
    ],
)
def test_it_neutralises_formula_cells(value: str, expected: str) -> None:
    assert neutralise_formula(value) == expected


def _formula_reference(situation: Situation) -> None:
    # The reference rules forbid these starts; a row written before them (or by hand) still
    # must not run as a formula in a spreadsheet.
    Situation.objects.filter(pk=situation.pk).update(reference="=1+2")


def test_it_exports_csv_of_the_organisation_only(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    mine = record_situation(personas.recorder_a, note="ne pas exporter")
    _formula_reference(mine)
    record_situation(personas.recorder_b, reference="B-ONLY")
    response = signed_in(personas.recorder_a).get(
        reverse("situations:export_csv") + "?columns=codes"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["reference"] == "'=1+2"
    assert record["forms"] == "prostitution|online_sextortion"
    assert "B-ONLY" not in text
    assert "ne pas exporter" not in text
    event = AuditEvent.objects.get(action="situation.export")
    assert event.details == {"format": "csv", "count": 1, "columns": "codes"}


def test_it_exports_xlsx_with_formulas_neutralised(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    _formula_reference(record_situation(personas.recorder_a))
    response = signed_in(personas.steward_a).get(
        reverse("situations:export_xlsx") + "?columns=codes"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(COLUMNS)
    assert values[1][0] == "'=1+2"
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert AuditEvent.objects.get(action="situation.export").details["format"] == "xlsx"


def test_it_applies_the_list_filters_to_the_export(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    record_situation(personas.recorder_a, reference="A-1", status="confirmed")
    record_situation(personas.recorder_a, reference="A-2")
    response = signed_in(personas.recorder_a).get(
        reverse("situations:export_csv") + "?status=confirmed"
    )
    text = response.content.decode("utf-8-sig")
    assert "A-1" in text
    assert "A-2" not in text


def test_it_exports_readable_headers_and_labels_in_the_readers_language(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    record_situation(personas.recorder_a, reference="A-1", detection_month="2025-03")
    client = signed_in(personas.recorder_a)
    client.cookies["balise-language"] = "nl"
    response = client.get(reverse("situations:export_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(values_only=True))
    assert list(header) == [READABLE_HEADERS[name]["nl"] for name in COLUMNS]
    record = dict(zip(header, row, strict=True))
    assert record["Maand van detectie"] == "03/2025"
    assert record["Arrondissement"] == "Brussel-Hoofdstad"
    assert record["Niet begeleid"] == "ja"
    assert " | " in str(record["Uitbuitingsvormen"])
    event = AuditEvent.objects.get(action="situation.export")
    assert event.details["columns"] == "readable"


@pytest.mark.parametrize("query", ["", "?columns=codes"])
@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_it_imports_an_export_back_unchanged(
    personas: Personas,
    signed_in: SignIn,
    record_situation: RecordSituation,
    query: str,
    language: str,
) -> None:
    record_situation(personas.recorder_a, reference="A-1")
    record_situation(personas.recorder_a, reference="A-2", unaccompanied=False, places=[])
    client = signed_in(personas.steward_a)
    client.cookies["balise-language"] = language
    content = client.get(reverse("situations:export_csv") + query).content
    result = run_import(content, actor=personas.steward_a, organisation=personas.org_a, apply=False)
    assert result["ok"], result["errors"]
    assert (result["create"], result["update"], result["unchanged"]) == (0, 0, 2)

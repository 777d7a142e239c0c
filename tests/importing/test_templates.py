"""Import templates in FR/NL/EN (CSV and XLSX): the headers the encoder and the importer read,
an example row that imports once encoded, and notes on every column."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from openpyxl import load_workbook

from balise.situations.columns import IDENTITY_COLUMNS, template_header
from tests.conftest import Personas
from tests.importing.conftest import run

SignIn = Callable[..., Client]
# What the in-browser encoder puts in place of the identity columns (a valid v1 shape).
ENCODED = {
    "balise_encoding": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEy"
    "MzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3"
    "eHl6e3x9fn8=",
    "balise_version": "1",
    "balise_key_id": "0123456789abcdef",
}


def _as_encoded(header: list[str], row: list[str]) -> bytes:
    """The file the browser uploads: record_id, the encoding columns, the other columns."""
    others = [i for i, name in enumerate(header) if name not in IDENTITY_COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["record_id", *ENCODED, *(header[i] for i in others)])
    writer.writerow([row[header.index("record_id")], *ENCODED.values(), *(row[i] for i in others)])
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_it_serves_a_csv_template_that_imports_once_encoded(
    personas: Personas, signed_in: SignIn, language: str
) -> None:
    response = signed_in(personas.steward_a).get(f"/situations/import/template-{language}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"balise-import-template-{language}.csv" in response["Content-Disposition"]
    header, example = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert header == template_header(language)
    assert header[:5] == ["record_id", "first_name", "last_name", "birth_date", "sex"]
    result = run(_as_encoded(header, example), personas.steward_a, apply=False)
    assert result["ok"], result["errors"]
    assert result["create"] == 1


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_it_serves_an_xlsx_template_with_notes(
    personas: Personas, signed_in: SignIn, language: str
) -> None:
    response = signed_in(personas.steward_a).get(f"/situations/import/template-{language}.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    data, notes = workbook.worksheets
    rows = [[str(c) if c is not None else "" for c in r] for r in data.iter_rows(values_only=True)]
    header, example = rows
    assert header == template_header(language)
    filled = [data.cell(row=2, column=i) for i in range(1, len(header) + 1)]
    assert all(cell.data_type == "s" for cell in filled if cell.value is not None)
    assert data.cell(row=1, column=1).comment is not None
    result = run(_as_encoded(header, example), personas.steward_a, apply=False)
    assert result["ok"], result["errors"]
    described = {row[0]: row for row in notes.iter_rows(min_row=2, values_only=True) if row[0]}
    assert set(header) <= set(described)
    arrondissement = described[header[6]]
    assert "(21000)" in str(arrondissement[3])  # allowed values: label (NIS code)
    assert arrondissement[1] == {"fr": "oui", "nl": "ja", "en": "yes"}[language]


def test_it_writes_labels_in_the_templates_language(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.steward_a)
    french = client.get("/situations/import/template-fr.csv").content.decode("utf-8-sig")
    dutch = client.get("/situations/import/template-nl.csv").content.decode("utf-8-sig")
    assert "Mois de détection" in french
    assert "Bruxelles-Capitale" in french
    assert "Maand van detectie" in dutch
    assert "Brussel-Hoofdstad" in dutch


@pytest.mark.parametrize("name", ["template-de.csv", "template-fr.xls", "template-fr.pdf"])
def test_it_answers_404_for_other_templates(
    personas: Personas, signed_in: SignIn, name: str
) -> None:
    assert signed_in(personas.steward_a).get(f"/situations/import/{name}").status_code == 404


def test_it_links_every_template_from_the_import_page(
    personas: Personas, signed_in: SignIn
) -> None:
    page = signed_in(personas.steward_a).get("/situations/import/").content.decode()
    for language in ("fr", "nl", "en"):
        for file_format in ("csv", "xlsx"):
            assert f'href="/situations/import/template-{language}.{file_format}"' in page

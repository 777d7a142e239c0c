"""Hard limits on what one spreadsheet may hold (rows, columns, cells), applied while streaming
and, for XLSX, from the sheet's declared size before any row is parsed: a small archive that
unpacks to 100 000 × 200 cells is refused at once, with a clear message."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

import pytest
from django.conf import LazySettings
from openpyxl import Workbook

from balise.core import tabular
from balise.situations.importing import MAX_COLUMNS
from balise.situations.models import Situation
from tests.conftest import Personas
from tests.importing.conftest import problems, reasons, run
from tests.importing.test_importing import HEADER, _csv, _row


def _xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    """A workbook as Excel writes it, with the sheet's size in its <dimension> element."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(rows: int, columns: int) -> list[list[str]]:
    return [[f"c{c}" for c in range(columns)]] + [
        [f"r{r}c{c}" for c in range(columns)] for r in range(rows)
    ]


@pytest.fixture
def parsed_cells(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many cell values the XLSX reader converted (0: refused before reading any row)."""
    calls = [0]
    real = tabular._xlsx_cell

    def counting(value: object) -> str:
        calls[0] += 1
        return real(value)

    monkeypatch.setattr(tabular, "_xlsx_cell", counting)
    return calls


def test_it_refuses_a_sheet_declaring_too_many_rows_before_reading_it(
    personas: Personas, settings: LazySettings, parsed_cells: list[int]
) -> None:
    settings.BALISE_IMPORT_MAX_ROWS = 50
    result = run(_xlsx(_table(rows=60, columns=3)), personas.steward_a)
    assert problems(result) == [(0, "", "too_many_rows")]
    assert parsed_cells == [0]
    assert Situation.objects.count() == 0


def test_it_refuses_a_sheet_declaring_too_many_cells_before_reading_it(
    personas: Personas, settings: LazySettings, parsed_cells: list[int]
) -> None:
    settings.BALISE_IMPORT_MAX_CELLS = 1_000
    result = run(_xlsx(_table(rows=100, columns=20)), personas.steward_a)
    assert problems(result) == [(0, "", "too_many_cells")]
    assert reasons(result) == [
        "The file has more than 1 000 cells (rows × columns). Remove the columns Balise does "
        "not use, or split the file into smaller ones."
    ]
    assert parsed_cells == [0]


def test_it_refuses_a_sheet_declaring_too_many_columns_before_reading_it(
    personas: Personas, parsed_cells: list[int]
) -> None:
    result = run(_xlsx(_table(rows=2, columns=MAX_COLUMNS + 1)), personas.steward_a)
    assert problems(result) == [(1, "", "too_many_columns")]
    assert parsed_cells == [0]


def test_it_counts_cells_while_reading_a_sheet_that_understates_its_size(
    personas: Personas, settings: LazySettings
) -> None:
    # A forged <dimension ref="A1:A1">: the declared size says nothing; the reading still stops.
    settings.BALISE_IMPORT_MAX_CELLS = 1_000
    content = _xlsx(_table(rows=100, columns=20))
    forged = _with_dimension(content, "A1:A1")
    result = run(forged, personas.steward_a)
    assert problems(result) == [(0, "", "too_many_cells")]


def test_it_reads_every_row_of_a_sheet_that_understates_its_size(personas: Personas) -> None:
    header = HEADER.split(",")
    rows = [header] + [_row(f"R{i}").split(",") for i in range(3)]
    result = run(_with_dimension(_xlsx(rows), "A1:A1"), personas.steward_a)
    assert result["ok"] is True, result["errors"]
    assert result["created"] == 3  # none cut off by the forged dimension


def test_it_refuses_a_csv_over_the_cell_limit(personas: Personas, settings: LazySettings) -> None:
    settings.BALISE_IMPORT_MAX_CELLS = 30
    result = run(_csv(*(_row(f"R{i}") for i in range(3))), personas.steward_a)
    assert problems(result) == [(0, "", "too_many_cells")]


def _with_dimension(content: bytes, ref: str) -> bytes:
    """The same workbook with the first sheet's <dimension> replaced."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                assert "<dimension" in text
                text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', text)
                data = text.encode()
            target.writestr(info, data)
    return out.getvalue()

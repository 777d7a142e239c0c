"""CSV and XLSX exports of situations, with headers and values a person reads (the default) or
codes for systems; both import back as they are.

Readable: the headers of ``columns.READABLE_HEADERS`` and the dictionary's labels in the reader's
language, months as MM/YYYY, yes/no words. Codes (``columns=codes``): the field names and codes,
months as YYYY-MM, true/false; stable across languages and dictionary label changes, for systems.
The import accepts both (headers in any of the three languages, codes or labels) and reads past
the columns the server sets (dictionary version, recorded and updated dates).

Cells that a spreadsheet would run as a formula get a leading apostrophe
(``balise.core.formulas``). Notes and identity encodings are never exported: the encoding
is stored encrypted and leaves the server only into a linkage run (docs/privacy.md); a file
re-imported without the identity columns keeps every stored encoding.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Final

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from balise.core.formulas import safe_cells
from balise.situations.columns import READABLE_HEADERS, readable_value
from balise.situations.models import Situation
from balise.situations.validation import FIELDS, IDENTITY_FIELDS, MULTI_FIELDS

COLUMNS: Final = (
    *(name for name in FIELDS if name != "note" and name not in IDENTITY_FIELDS),
    "dictionary_version",
    "created_at",
    "updated_at",
)


def _cell(situation: Situation, name: str) -> Any:
    value = getattr(situation, name)
    if name in MULTI_FIELDS:
        return "|".join(value)
    if name == "detection_month":
        return value.strftime("%Y-%m")
    if name in {"created_at", "updated_at"}:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if name == "unaccompanied":
        return "true" if value else "false"
    if value is None:
        return ""
    return value


def _readable_cell(situation: Situation, name: str, language: str) -> Any:
    value = getattr(situation, name)
    if name == "detection_month":
        return value.strftime("%m/%Y")
    if name in {"created_at", "updated_at"}:
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if value is None:
        return ""
    return readable_value(name, value, language)


def rows(situations: Iterable[Situation], *, language: str | None = None) -> Iterable[list[Any]]:
    """The header, then one row per situation: readable in ``language``, codes without one."""
    if language is None:
        yield list(COLUMNS)
    else:
        yield [READABLE_HEADERS[name][language] for name in COLUMNS]
    for situation in situations:
        if language is None:
            yield safe_cells(_cell(situation, name) for name in COLUMNS)
        else:
            yield safe_cells(_readable_cell(situation, name, language) for name in COLUMNS)


def _filename(extension: str) -> str:
    return f"situations-{timezone.localdate().isoformat()}.{extension}"


def csv_response(situations: Iterable[Situation], *, language: str | None = None) -> HttpResponse:
    buffer = io.StringIO()
    # Semicolons and a BOM: what Excel expects on Belgian machines.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows(situations, language=language))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(situations: Iterable[Situation], *, language: str | None = None) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("situations")
    for row in rows(situations, language=language):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response

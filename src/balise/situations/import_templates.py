"""Import templates to download: a file of names for the in-browser encoding, in FR/NL/EN.

The header is what the encoder (record_id, first_name, last_name, birth_date, sex) and the
importer (situation columns in the template's language) read; one example row of synthetic data
shows the values; the XLSX adds a second sheet, and a comment on each header, saying what each
column holds and which values the data dictionary allows.
"""

from __future__ import annotations

import csv
import io
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

from balise.situations.columns import (
    LANGUAGES,
    example_row,
    guide,
    template_header,
)

XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Each language named in itself: the links are read by people choosing their language.
LANGUAGE_NAMES: Final = {"fr": "Français", "nl": "Nederlands", "en": "English"}
assert tuple(LANGUAGE_NAMES) == LANGUAGES


def csv_template(language: str) -> bytes:
    """Header and example row, ``;``-separated UTF-8 with BOM (what Excel opens on Belgian PCs)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(template_header(language))
    writer.writerow(example_row(language))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _allowed_text(allowed: list[tuple[str, str]]) -> str:
    return "\n".join(f"{label} ({code})" for code, label in allowed)


def xlsx_template(language: str) -> bytes:
    """Sheet 1 (the one the import reads): header and example row, every cell as text; sheet 2:
    the notes, column by column."""
    columns = guide(language)
    workbook = Workbook()
    with override(language):
        data = workbook.active
        assert data is not None
        data.title = _("Situations")
        data.append(template_header(language))
        # Text cells: a spreadsheet must not turn 2010-05-14 or 03/2025 into a date serial.
        data.append([str(value) for value in example_row(language)])
        for index, column in enumerate(columns, start=1):
            cell = data.cell(row=1, column=index)
            cell.font = Font(bold=True)
            note = column.description
            if column.required:
                note = _("Required.") + " " + note
            cell.comment = Comment(note, "Balise", width=320, height=160)
            data.column_dimensions[cell.column_letter].width = max(14, len(column.header) + 2)
        data.freeze_panes = "A2"
        notes = workbook.create_sheet(_("Notes"))
        notes.append([_("Column"), _("Required"), _("What it holds"), _("Allowed values")])
        for cell in notes[1]:
            cell.font = Font(bold=True)
        for column in columns:
            notes.append(
                [
                    column.header,
                    _("yes") if column.required else _("no"),
                    column.description,
                    _allowed_text(column.allowed),
                ]
            )
        for row in notes.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for letter, width in zip("ABCD", (26, 10, 60, 50), strict=True):
            notes.column_dimensions[letter].width = width
        notes.append([])
        notes.append(
            [
                _(
                    "Replace the example row with your situations. Names and birth dates are "
                    "read and encoded in your browser on the import page; only the encodings "
                    "and the other columns are sent."
                )
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Reading tabular uploads (CSV or XLSX) for all-or-nothing imports, and their error style.

Shared by the situations import and the finances import: sniff XLSX/CSV from the bytes, decode
UTF-8 (with or without BOM) or Windows-1252, sniff the delimiter (``;``, ``,`` or tab), enforce
the size, row and cell limits (``BALISE_IMPORT_MAX_*``), and report problems as ``ImportIssue``
(row as a spreadsheet numbers it, column, value, translated reason, stable code) gathered in one
``ImportRefused``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MAX_COLUMNS: Final = 200

_XLSX_MAGIC: Final = b"PK\x03\x04"
_XLS_MAGIC: Final = b"\xd0\xcf\x11\xe0"


def fold_header(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", bare).strip("_")


@dataclass(frozen=True)
class ImportIssue:
    """One problem; ``row`` as a spreadsheet numbers it (header = 1; 0 = the file itself).

    ``reason`` is in the language active when the file was checked, ``reasons`` in each
    language of the interface when it could be rendered in each: a report is read later,
    perhaps by someone reading another language (``localised_issues``).
    """

    row: int
    column: str
    value: str
    reason: str
    code: str
    reasons: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "reasons": dict(self.reasons),
            "code": self.code,
        }


@dataclass(frozen=True)
class Message:
    """A message translated when rendered: its msgid (marked with gettext_noop) and values."""

    text: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self) -> str:
        translated = _(self.text)
        return translated % self.values if self.values else translated


def in_each_language(render: Callable[[], str]) -> dict[str, str]:
    """``render()`` in each language of the interface (it may call gettext, taxonomy labels)."""
    rendered = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            rendered[language] = render()
    return rendered


def _issue(row: int, column: str, value: str, reason: str | Message, code: str) -> ImportIssue:
    """An issue; a ``Message`` is kept in every language, a plain text in the current one."""
    if isinstance(reason, str):
        return ImportIssue(row, column, value, reason, code)
    return ImportIssue(row, column, value, reason.render(), code, in_each_language(reason.render))


class ImportRefused(Exception):
    """The file cannot be imported; ``issues`` says why (all of them)."""

    def __init__(self, issues: Sequence[ImportIssue]) -> None:
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = list(issues)


def _file_issue(code: str, reason: str | Message, *, row: int = 0, column: str = "") -> ImportIssue:
    return _issue(row, column, "", reason, code)


def localised_issues(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored issues (``as_dict``) with ``reason`` in the reader's language when it was kept."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return [
        {**issue, "reason": (issue.get("reasons") or {}).get(language) or issue.get("reason", "")}
        for issue in rows
    ]


# --- reading -------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """The header and the rows of the first sheet, every cell as text."""

    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells)
    file_format: str  # "csv" or "xlsx"
    text_encoding: str = ""
    delimiter: str = ""


def limits() -> tuple[int, int]:
    return settings.BALISE_IMPORT_MAX_BYTES, settings.BALISE_IMPORT_MAX_ROWS


def _too_many_columns(count: int) -> ImportRefused:
    return ImportRefused(
        [
            _file_issue(
                "too_many_columns",
                Message(
                    gettext_noop("The file has %(count)s columns; at most %(max)s are accepted."),
                    {"count": count, "max": MAX_COLUMNS},
                ),
                row=1,
            )
        ]
    )


def _too_many_cells(max_cells: int) -> ImportRefused:
    return ImportRefused(
        [
            _file_issue(
                "too_many_cells",
                Message(
                    gettext_noop(
                        "The file has more than %(max)s cells (rows × columns). Remove the columns "
                        "Balise does not use, or split the file into smaller ones."
                    ),
                    {"max": f"{max_cells:,}".replace(",", " ")},
                ),
            )
        ]
    )


class _CellBudget:
    """Counts the cells read so far and refuses the file, while reading, past the limit."""

    def __init__(self) -> None:
        self.limit = int(settings.BALISE_IMPORT_MAX_CELLS)
        self.used = 0

    def spend(self, cells: int) -> None:
        self.used += cells
        if self.used > self.limit:
            raise _too_many_cells(self.limit)


def _too_many_rows(max_rows: int) -> ImportRefused:
    return ImportRefused(
        [
            _file_issue(
                "too_many_rows",
                Message(
                    gettext_noop(
                        "The file has more than %(max)s rows; split it into smaller files."
                    ),
                    {"max": f"{max_rows:,}".replace(",", " ")},
                ),
            )
        ]
    )


def check_size(size: int) -> None:
    max_bytes, _max_rows = limits()
    if size > max_bytes:
        raise ImportRefused(
            [
                _file_issue(
                    "too_large",
                    Message(
                        gettext_noop("The file is %(size)s MB; the limit is %(max)s MB."),
                        {
                            "size": f"{size / 1_048_576:.1f}",
                            "max": f"{max_bytes / 1_048_576:.0f}",
                        },
                    ),
                )
            ]
        )


def decode_text(content: bytes) -> tuple[str, str]:
    """The text and the encoding used: UTF-8 (with or without BOM), else Windows-1252."""
    # NUL never belongs in a CSV (and PostgreSQL text cannot hold it): UTF-16 or a binary file.
    if b"\x00" in content:
        raise ImportRefused(
            [
                _file_issue(
                    "text_encoding",
                    Message(
                        gettext_noop(
                            "The file is not readable text (it looks like UTF-16 or a binary "
                            "file). Save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."
                        )
                    ),
                )
            ]
        )
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
        try:
            return content.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _bad_encoding(content, exc) from None
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _bad_encoding(content, exc) from None


def _bad_encoding(content: bytes, exc: UnicodeDecodeError) -> ImportRefused:
    line = _line_breaks(content[: exc.start]) + 1
    return ImportRefused(
        [
            _file_issue(
                "text_encoding",
                Message(
                    gettext_noop(
                        "The file is neither UTF-8 nor Windows-1252 text (line %(line)s, byte "
                        "%(position)s cannot be read). Save it as “CSV UTF-8”."
                    ),
                    {"line": line, "position": exc.start + 1},
                ),
            )
        ]
    )


def sniff_delimiter(first_line: str) -> str:
    """``;`` or ``,`` (or a tab), whichever splits the header line most, outside quotes."""
    counts = dict.fromkeys(";,\t", 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


def read_csv(content: bytes, *, max_rows: int) -> Sheet:
    text, encoding = decode_text(content)
    first_line = text.partition("\n")[0].partition("\r")[0]  # LF, CRLF or CR alone
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    budget = _CellBudget()
    try:
        header = next(reader, None)
        if header is not None and len(header) > MAX_COLUMNS:
            raise _too_many_columns(len(header))
        rows: list[tuple[int, list[str]]] = []
        for index, cells in enumerate(reader, start=2):
            if len(rows) >= max_rows:
                raise _too_many_rows(max_rows)
            budget.spend(len(cells))
            rows.append((index, cells))
    except csv.Error as exc:
        raise ImportRefused(
            [
                _file_issue(
                    "csv",
                    Message(gettext_noop("The CSV file cannot be read: %(error)s"), {"error": exc}),
                )
            ]
        ) from None
    header = header or []
    # Spreadsheets often export empty trailing columns ("a;b;c;;;"): they carry nothing.
    while header and not header[-1].strip():
        header.pop()
    return Sheet(header, rows, "csv", encoding, delimiter)


def _xlsx_cell(value: object) -> str:
    from datetime import date, datetime

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(content: bytes, *, max_rows: int) -> Sheet:
    from openpyxl import load_workbook

    max_bytes, _rows = limits()
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        # A few kilobytes can unpack to gigabytes; refuse what could not fit the row limit.
        if unpacked > 20 * max_bytes:
            raise _too_many_rows(max_rows)
        # data_only=False: formulas come back as their text ("=..."), never evaluated.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportRefused(
            [
                _file_issue(
                    "xlsx",
                    Message(gettext_noop("The Excel file is damaged or is not an .xlsx workbook.")),
                )
            ]
        ) from None
    budget = _CellBudget()
    try:
        sheet = workbook.worksheets[0]
        _refuse_declared_size(sheet.max_row, sheet.max_column, max_rows=max_rows, budget=budget)
        # Then read what the sheet holds, not what it declares: a dimension that says less than
        # the sheet holds would otherwise cut rows off silently. The limits apply while streaming.
        sheet.reset_dimensions()
        iterator = sheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
        header = [_xlsx_cell(v) for v in header_cells] if header_cells else []
        while header and not header[-1].strip():
            header.pop()
        if len(header) > MAX_COLUMNS:
            raise _too_many_columns(len(header))
        width = len(header)
        rows: list[tuple[int, list[str]]] = []
        for index, values in enumerate(iterator, start=2):
            if len(rows) >= max_rows:
                raise _too_many_rows(max_rows)
            cells = [_xlsx_cell(v) for v in values[: max(width, MAX_COLUMNS)]]
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            budget.spend(len(cells))
            rows.append((index, cells))
    finally:
        workbook.close()
    return Sheet(header, rows, "xlsx")


def _refuse_declared_size(
    declared_rows: int | None, declared_columns: int | None, *, max_rows: int, budget: _CellBudget
) -> None:
    """Refuse a sheet from its own ``<dimension>`` before parsing a single row: an archive of
    a megabyte can unpack to 100 000 × 200 cells, minutes of parsing and gigabytes of memory."""
    rows = declared_rows or 0
    columns = declared_columns or 0
    if rows - 1 > max_rows:  # the header is not a situation
        raise _too_many_rows(max_rows)
    if columns > MAX_COLUMNS:
        raise _too_many_columns(columns)
    if (rows - 1) * columns > budget.limit:
        raise _too_many_cells(budget.limit)


def read_table(content: bytes, *, no_rows_reason: Message | None = None) -> Sheet:
    """Read an upload, whatever its name says: the bytes tell XLSX from CSV.

    ``no_rows_reason`` is the caller's words for a header without rows ("no situations")."""
    _max_bytes, max_rows = limits()
    check_size(len(content))
    if not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused([_file_issue("empty", Message(gettext_noop("The file is empty.")))])
    if content.startswith(_XLS_MAGIC):
        raise ImportRefused(
            [
                _file_issue(
                    "xls",
                    Message(
                        gettext_noop(
                            "Old Excel files (.xls) are not accepted. Save the file as an Excel "
                            "workbook (.xlsx) or as CSV."
                        )
                    ),
                )
            ]
        )
    if content.startswith(_XLSX_MAGIC):
        table = read_xlsx(content, max_rows=max_rows)
    else:
        table = read_csv(content, max_rows=max_rows)
    # Spreadsheets leave blank lines at the end; blank rows anywhere carry nothing.
    table.rows = [(n, cells) for n, cells in table.rows if any(c.strip() for c in cells)]
    if not any(h.strip() for h in table.header):
        raise ImportRefused([_file_issue("empty", Message(gettext_noop("The file is empty.")))])
    if not table.rows:
        raise ImportRefused(
            [
                _file_issue(
                    "no_rows",
                    no_rows_reason
                    or Message(gettext_noop("The file has a header row but no data.")),
                    row=1,
                )
            ]
        )
    return table


def estimate_rows(content: bytes) -> int:
    """A cheap upper bound of the number of rows, to choose between inline and a job."""
    if content.startswith(_XLSX_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
        except zipfile.BadZipFile:
            return 0
        return unpacked // 200  # a situation row is several hundred bytes of sheet XML
    return _line_breaks(content)


def _line_breaks(content: bytes) -> int:
    """Line breaks in a text file whatever its convention: LF, CRLF, or CR alone (old Mac
    exports, which Python's CSV reader splits on too)."""
    return max(content.count(b"\n"), content.count(b"\r"))

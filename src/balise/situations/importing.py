"""Bulk import of situations from CSV or XLSX, all or nothing.

A pipeline: read the bytes (sniff XLSX/CSV, text encoding, delimiter) -> map the header row to
situation fields -> check every row through ``validate_situation_data`` and plan create / update /
unchanged -> write the plan in one transaction through the situation services. Every problem is
collected with the row number a spreadsheet shows, the column, the value and a translated reason;
if there is any, nothing is written. Imports run as jobs (``balise.jobs``): a *check* job that
previews the outcome, then an *apply* job once the steward confirms.
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
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from balise.accounts.models import Organisation, User
from balise.audit.services import record_event
from balise.jobs.models import Job
from balise.jobs.services import JobError, ReportProgress, job_handler
from balise.situations import encodings
from balise.situations.models import Situation
from balise.situations.services import (
    SituationRowsError,
    refuse_identity_fields,
    situation_note,
    situations_import_apply,
)
from balise.situations.validation import (
    FIELDS,
    IDENTITY_FIELDS,
    MULTI_FIELDS,
    REQUIRED,
    CleanedSituation,
    SituationValidationError,
    is_identity_field,
    validate_situation_data,
)
from balise.taxonomy.loader import load

MAX_COLUMNS: Final = 200
MAX_CELL_CHARS: Final = 10_000
SHOWN_VALUE_CHARS: Final = 40
MAX_STORED_ERRORS: Final = 10_000
PREVIEW_ROWS: Final = 20
# Columns whose content is never echoed in an error report: free text, opaque encodings.
HIDDEN_VALUE_FIELDS: Final = frozenset({"note", "identity_encoding"})

_XLSX_MAGIC: Final = b"PK\x03\x04"
_XLS_MAGIC: Final = b"\xd0\xcf\x11\xe0"

# Header names accepted for each field, after folding (lower case, no accents, "_" separators).
# `balise encode` writes record_id and the balise_* columns; the rest are FR/NL/EN variants.
HEADER_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    "reference": (
        "record_id",
        "reference",
        "ref",
        "internal_reference",
        "reference_interne",
        "referentie",
        "interne_referentie",
    ),
    "identity_encoding": ("balise_encoding", "identity_encoding"),
    "identity_version": ("balise_version", "identity_version"),
    "identity_key_id": ("balise_key_id", "identity_key_id"),
    "detection_month": (
        "detection_month",
        "mois_detection",
        "mois_de_detection",
        "detectiemaand",
        "maand_detectie",
        "maand_van_detectie",
    ),
    "arrondissement": ("arrondissement", "arrondissement_nis", "nis_code", "code_nis"),
    "age_years": ("age_years", "age", "age_ans", "leeftijd", "leeftijd_jaren"),
    "gender": ("gender", "genre", "geslacht", "gender_code"),
    "citizenship_group": (
        "citizenship_group",
        "citizenship",
        "nationalite",
        "groupe_nationalite",
        "nationaliteit",
        "nationaliteitsgroep",
    ),
    "unaccompanied": (
        "unaccompanied",
        "mena",
        "non_accompagne",
        "nbm",
        "niet_begeleid",
    ),
    "forms": ("forms", "formes", "formes_exploitation", "vormen", "uitbuitingsvormen"),
    "recruitment_channels": (
        "recruitment_channels",
        "recrutement",
        "canaux_recrutement",
        "rekrutering",
        "rekruteringskanalen",
    ),
    "places": ("places", "lieux", "plaatsen"),
    "vulnerabilities": ("vulnerabilities", "vulnerabilites", "kwetsbaarheden"),
    "signs": ("signs", "signes", "signaux", "signalen"),
    "actions": ("actions", "acties"),
    "status": ("status", "statut"),
    "note": ("note", "opmerking"),
}


def fold_header(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", bare).strip("_")


_ALIAS_TO_FIELD: Final = {
    alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases
}


@dataclass(frozen=True)
class ImportIssue:
    """One problem; ``row`` as a spreadsheet numbers it (header = 1; 0 = the file itself)."""

    row: int
    column: str
    value: str
    reason: str
    code: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "code": self.code,
        }


class ImportRefused(Exception):
    """The file cannot be imported; ``issues`` says why (all of them)."""

    def __init__(self, issues: Sequence[ImportIssue]) -> None:
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = list(issues)


def _file_issue(code: str, reason: str, *, row: int = 0, column: str = "") -> ImportIssue:
    return ImportIssue(row=row, column=column, value="", reason=reason, code=code)


def shown_value(value: object, field_name: str | None) -> str:
    """What an error report may echo of a cell: truncated, never free text or an encoding."""
    if field_name in HIDDEN_VALUE_FIELDS or value is None:
        return ""
    text = str(value)
    if len(text) > SHOWN_VALUE_CHARS:
        return text[: SHOWN_VALUE_CHARS - 1] + "…"
    return text


# --- reading -------------------------------------------------------------------------------------


@dataclass
class Table:
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
                _("The file has %(count)s columns; at most %(max)s are accepted.")
                % {"count": count, "max": MAX_COLUMNS},
                row=1,
            )
        ]
    )


def _too_many_cells(max_cells: int) -> ImportRefused:
    return ImportRefused(
        [
            _file_issue(
                "too_many_cells",
                _(
                    "The file has more than %(max)s cells (rows × columns). Remove the columns "
                    "Balise does not use, or split the file into smaller ones."
                )
                % {"max": f"{max_cells:,}".replace(",", " ")},
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
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": f"{max_rows:,}".replace(",", " ")},
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
                    _("The file is %(size)s MB; the limit is %(max)s MB.")
                    % {
                        "size": f"{size / 1_048_576:.1f}",
                        "max": f"{max_bytes / 1_048_576:.0f}",
                    },
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
                    _(
                        "The file is not readable text (it looks like UTF-16 or a binary file). "
                        "Save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."
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
                _(
                    "The file is neither UTF-8 nor Windows-1252 text (line %(line)s, byte "
                    "%(position)s cannot be read). Save it as “CSV UTF-8”."
                )
                % {"line": line, "position": exc.start + 1},
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


def read_csv(content: bytes, *, max_rows: int) -> Table:
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
            [_file_issue("csv", _("The CSV file cannot be read: %(error)s") % {"error": exc})]
        ) from None
    header = header or []
    # Spreadsheets often export empty trailing columns ("a;b;c;;;"): they carry nothing.
    while header and not header[-1].strip():
        header.pop()
    return Table(header, rows, "csv", encoding, delimiter)


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


def read_xlsx(content: bytes, *, max_rows: int) -> Table:
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
            [_file_issue("xlsx", _("The Excel file is damaged or is not an .xlsx workbook."))]
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
    return Table(header, rows, "xlsx")


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


def read_table(content: bytes) -> Table:
    """Read an upload, whatever its name says: the bytes tell XLSX from CSV."""
    _max_bytes, max_rows = limits()
    check_size(len(content))
    if not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused([_file_issue("empty", _("The file is empty."))])
    if content.startswith(_XLS_MAGIC):
        raise ImportRefused(
            [
                _file_issue(
                    "xls",
                    _(
                        "Old Excel files (.xls) are not accepted. Save the file as an Excel "
                        "workbook (.xlsx) or as CSV."
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
        raise ImportRefused([_file_issue("empty", _("The file is empty."))])
    if not table.rows:
        raise ImportRefused(
            [_file_issue("no_rows", _("The file has a header row but no situations."), row=1)]
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


# --- columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMap:
    """Which file column feeds which field; ``header`` keeps the names as the file spells them."""

    header: list[str]
    fields: dict[int, str]  # column index -> field name

    def column_of(self, field_name: str) -> str:
        for index, name in self.fields.items():
            if name == field_name:
                return self.header[index]
        return field_name


def map_columns(
    header: Sequence[str],
    *,
    actor: User | None = None,
    request: HttpRequest | None = None,
    channel: str = "import",
) -> ColumnMap:
    """Match the header to fields; refuse identity columns (audited) and wrong columns."""
    try:
        refuse_identity_fields(actor=actor, keys=header, channel=channel, request=request)
    except SituationValidationError as exc:
        raise ImportRefused(
            [
                _file_issue(
                    "identity_column",
                    _(
                        "The column “%(column)s” looks like a name or a birth date. Balise never "
                        "receives names or birth dates: run “balise encode” on your file first, "
                        "which replaces them with an encoding, and import its output."
                    )
                    % {"column": issue.field},
                    row=1,
                    column=issue.field,
                )
                for issue in exc.issues
            ]
        ) from None
    issues: list[ImportIssue] = []
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns(len(header))
    fields: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, raw in enumerate(header):
        name = raw.strip()
        if not name:
            issues.append(
                _file_issue(
                    "blank_column",
                    _("Column %(number)s has no name.") % {"number": index + 1},
                    row=1,
                )
            )
            continue
        target = _ALIAS_TO_FIELD.get(fold_header(name))
        if target is None:
            issues.append(
                _file_issue(
                    "unknown_column",
                    _("Unknown column “%(column)s”. See the list of accepted columns.")
                    % {"column": name},
                    row=1,
                    column=name,
                )
            )
            continue
        if target in seen:
            issues.append(
                _file_issue(
                    "duplicate_column",
                    _("The columns “%(first)s” and “%(second)s” both give %(field)s.")
                    % {"first": seen[target], "second": name, "field": target},
                    row=1,
                    column=name,
                )
            )
            continue
        seen[target] = name
        fields[index] = target
    for required in ("reference", *sorted(REQUIRED)):
        if required not in seen:
            issues.append(
                _file_issue(
                    "missing_column",
                    _("The column “%(column)s” is missing.")
                    % {"column": HEADER_ALIASES[required][0]},
                    row=1,
                    column=HEADER_ALIASES[required][0],
                )
            )
    present_identity = [f for f in IDENTITY_FIELDS if f in seen]
    if present_identity and len(present_identity) != len(IDENTITY_FIELDS):
        for missing in IDENTITY_FIELDS:
            if missing not in seen:
                issues.append(
                    _file_issue(
                        "missing_column",
                        _(
                            "The column “%(column)s” is missing: the encoding columns of "
                            "“balise encode” go together."
                        )
                        % {"column": HEADER_ALIASES[missing][0]},
                        row=1,
                        column=HEADER_ALIASES[missing][0],
                    )
                )
    if issues:
        raise ImportRefused(issues)
    return ColumnMap(list(header), fields)


# --- checking ------------------------------------------------------------------------------------


@dataclass
class PlannedRow:
    row: int
    reference: str
    data: dict[str, object]
    action: str  # "create", "update" or "unchanged"
    situation_id: int | None = None
    cleaned: CleanedSituation | None = None  # the row's validation, reused by the write


@dataclass
class CheckResult:
    rows: int = 0
    plan: list[PlannedRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for p in self.plan if p.action == action)


def _split_multi(name: str, value: str) -> object:
    """Cells hold several values separated by ``|`` (or ``,``, unless a label has a comma)."""
    text = value.strip()
    if not text:
        return []
    if "|" in text:
        return [part.strip() for part in text.split("|") if part.strip()]
    if "," in text:
        vocab = load()[MULTI_FIELDS[name]]
        if text in vocab or vocab.code_from_label(text):
            return [text]
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _row_data(columns: ColumnMap, cells: Sequence[str]) -> dict[str, object]:
    data: dict[str, object] = {}
    for index, name in columns.fields.items():
        value = cells[index] if index < len(cells) else ""
        data[name] = _split_multi(name, value) if name in MULTI_FIELDS else value
    return data


def _issue_value(data: Mapping[str, object], name: str, index: int | None) -> str:
    value = data.get(name)
    if isinstance(value, list):
        if index is not None and index < len(value):
            value = value[index]
        else:
            value = " | ".join(str(v) for v in value)
    return shown_value(value, name)


def _same(situation: Situation, cleaned: CleanedSituation, given: Iterable[str]) -> bool:
    values = cleaned.model_values()
    # Stored encrypted: compared through the row's digest; empty cells keep the stored encoding.
    identity = (values.pop(name) for name in IDENTITY_FIELDS)
    if encodings.identity_changes(situation, *identity):
        return False
    return all(
        getattr(situation, name) == values[name]
        for name in given
        if name != "note" and name in values
    )


def check_rows(
    table: Table,
    columns: ColumnMap,
    *,
    actor: User,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Validate every row and plan its write; collect every problem."""
    result = CheckResult(rows=len(table.rows))
    given = set(columns.fields.values())
    first_row_of: dict[str, int] = {}
    cleaned_rows: list[tuple[int, str, dict[str, object], CleanedSituation]] = []
    total = len(table.rows)
    for done, (row_number, cells) in enumerate(table.rows, start=1):
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total)
        if len(cells) > len(columns.header):
            extra = [c for c in cells[len(columns.header) :] if c.strip()]
            if extra:
                result.issues.append(
                    ImportIssue(
                        row_number,
                        "",
                        shown_value(extra[0], None),
                        _("This row has more cells than the header has columns."),
                        "extra_cells",
                    )
                )
        data = _row_data(columns, cells)
        row_issues: list[ImportIssue] = []
        for index, name in columns.fields.items():
            cell = cells[index] if index < len(cells) else ""
            if len(cell) > MAX_CELL_CHARS:
                row_issues.append(
                    ImportIssue(
                        row_number,
                        columns.header[index],
                        shown_value(cell, name),
                        _("The cell is too long."),
                        "too_long",
                    )
                )
            elif cell.lstrip().startswith("="):
                row_issues.append(
                    ImportIssue(
                        row_number,
                        columns.header[index],
                        shown_value(cell, name),
                        _(
                            "This cell holds a spreadsheet formula; formulas are never "
                            "evaluated. Replace it with its value."
                        ),
                        "formula",
                    )
                )
        reference = str(data.get("reference") or "").strip()
        if not reference:
            row_issues.append(
                ImportIssue(
                    row_number,
                    columns.column_of("reference"),
                    "",
                    _("Every row needs a reference (the “record_id” of your system)."),
                    "required",
                )
            )
        elif reference in first_row_of:
            row_issues.append(
                ImportIssue(
                    row_number,
                    columns.column_of("reference"),
                    shown_value(reference, "reference"),
                    _("This reference already appears on row %(row)s.")
                    % {"row": first_row_of[reference]},
                    "duplicate_reference",
                )
            )
        else:
            first_row_of[reference] = row_number
        flagged = {issue.column for issue in row_issues}
        try:
            cleaned = validate_situation_data(data, accept_labels=True)
        except SituationValidationError as exc:
            for issue in exc.issues:
                column = columns.column_of(issue.field)
                if column in flagged:
                    continue  # the formula / length problem already says it
                row_issues.append(
                    ImportIssue(
                        row_number,
                        column,
                        _issue_value(data, issue.field, issue.index),
                        issue.message,
                        issue.code,
                    )
                )
        else:
            if not row_issues:
                cleaned_rows.append((row_number, reference, data, cleaned))
        result.issues.extend(row_issues)
    if result.issues:
        return result
    result.plan = _plan(cleaned_rows, given, actor)
    return result


def _plan(
    cleaned_rows: Sequence[tuple[int, str, dict[str, object], CleanedSituation]],
    given: set[str],
    actor: User,
) -> list[PlannedRow]:
    references = [reference for _row, reference, _data, _cleaned in cleaned_rows]
    existing: dict[str, Situation] = {}
    scoped = Situation.objects.visible_to(actor)
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        existing.update({s.reference: s for s in scoped.filter(reference__in=chunk)})
    plan = []
    for row_number, reference, data, cleaned in cleaned_rows:
        situation = existing.get(reference)
        if situation is None:
            action = "create"
        elif _same(situation, cleaned, given) and (
            "note" not in given
            or (situation_note(actor=actor, situation=situation) or "") == (cleaned.note or "")
        ):
            action = "unchanged"
        else:
            action = "update"
        plan.append(
            PlannedRow(
                row_number, reference, data, action, situation.pk if situation else None, cleaned
            )
        )
    return plan


# --- writing -------------------------------------------------------------------------------------


def apply_plan(
    plan: Sequence[PlannedRow],
    *,
    actor: User,
    organisation: Organisation,
    columns: ColumnMap,
    request: HttpRequest | None = None,
    channel: str = "import",
) -> dict[str, int]:
    """Write the plan in one transaction; any refusal rolls every row back (ImportRefused).

    The rows go to ``situations_import_apply`` as one batch (bulk writes, one audit event that
    names every situation created or updated), which decides again, under lock, what is new,
    changed or unchanged: the data may have moved since the check.
    """
    with transaction.atomic():
        planned_ids = [p.situation_id for p in plan if p.situation_id is not None]
        still_there: set[int] = set()
        for start in range(0, len(planned_ids), 500):
            still_there.update(
                Situation.objects.visible_to(actor)
                .filter(pk__in=planned_ids[start : start + 500])
                .values_list("pk", flat=True)
            )
        issues = [
            ImportIssue(
                planned.row,
                columns.column_of("reference"),
                shown_value(planned.reference, "reference"),
                _("This situation was deleted while the import ran."),
                "gone",
            )
            for planned in plan
            if planned.situation_id is not None and planned.situation_id not in still_there
        ]
        if issues:
            raise ImportRefused(issues)
        try:
            applied = situations_import_apply(
                actor=actor,
                organisation=organisation,
                rows=[planned.data for planned in plan],
                request=request,
                channel=channel,
                accept_labels=True,
                cleaned=[planned.cleaned for planned in plan],
            )
        except SituationRowsError as exc:
            # Someone changed the data between the check and now (e.g. the same reference
            # recorded through the form): report it like any other problem.
            raise ImportRefused(
                [
                    ImportIssue(
                        plan[index].row,
                        columns.column_of(issue.field),
                        _issue_value(plan[index].data, issue.field, issue.index),
                        issue.message,
                        issue.code,
                    )
                    for index, error in exc.errors.items()
                    for issue in error.issues
                ]
            ) from None
    return applied.counts()


# --- the job -------------------------------------------------------------------------------------


def _result(
    mode: str,
    table: Table | None,
    check: CheckResult | None,
    issues: Sequence[ImportIssue],
    counts: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    stored = [i.as_dict() for i in issues[:MAX_STORED_ERRORS]]
    result: dict[str, Any] = {
        "mode": mode,
        "ok": not issues,
        "rows": check.rows if check else (len(table.rows) if table else 0),
        "errors": stored,
        "error_count": len(issues),
    }
    if table is not None:
        result.update(
            file_format=table.file_format,
            text_encoding=table.text_encoding,
            delimiter=table.delimiter,
        )
    if check is not None and not issues:
        result.update(
            create=check.count("create"),
            update=check.count("update"),
            unchanged=check.count("unchanged"),
            preview=[
                {"row": p.row, "reference": p.reference, "action": p.action}
                for p in check.plan[:PREVIEW_ROWS]
            ],
        )
    if counts is not None:
        result.update(counts)
    return result


def run_import(
    content: bytes,
    *,
    actor: User,
    organisation: Organisation,
    apply: bool,
    progress: ReportProgress | None = None,
    channel: str = "import",
) -> dict[str, Any]:
    """Check (and with ``apply`` write) one file; the job result as a JSON-able dict.

    ``channel`` names the way in, in the audit events: "import" (pages) or "cli".
    """
    mode = "apply" if apply else "check"
    if not actor.is_active or not actor.is_steward or actor.organisation_id != organisation.pk:
        raise JobError(_("Only a steward of the organisation can import situations."))
    table: Table | None = None
    check: CheckResult | None = None
    try:
        if progress:
            progress(0, stage=_("reading the file"))
        table = read_table(content)
        columns = map_columns(table.header, actor=actor, channel=channel)
        if progress:
            progress(0, len(table.rows), stage=_("checking the rows"))

        def report(done: int, total: int) -> None:
            if progress:
                progress(done, total)

        check = check_rows(table, columns, actor=actor, progress=report)
        if check.issues:
            raise ImportRefused(check.issues)
        if not apply:
            return _result(mode, table, check, [])
        if progress:
            # The write is one transaction: its progress would be invisible to the page anyway.
            progress(0, 0, stage=_("writing"))
        counts = apply_plan(
            check.plan, actor=actor, organisation=organisation, columns=columns, channel=channel
        )
        return _result(mode, table, check, [], counts)
    except ImportRefused as refused:
        record_event(
            "situation.import_refused",
            actor=actor,
            organisation_id=organisation.pk,
            object_type="organisation",
            object_id=organisation.pk,
            details={
                "mode": mode,
                "channel": channel,
                "errors": len(refused.issues),
                "codes": sorted({i.code for i in refused.issues})[:20],
            },
        )
        return _result(mode, table, check, refused.issues)


@job_handler
def import_job(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    """Job handler: params ``{"mode": "check" | "apply"}``, the upload in ``job.payload``."""
    organisation = job.organisation
    if organisation is None:
        raise JobError(_("Only a steward of the organisation can import situations."))
    owner = User.objects.get(pk=job.owner_id)
    return run_import(
        bytes(job.payload),
        actor=owner,
        organisation=organisation,
        apply=job.params.get("mode") == "apply",
        progress=progress,
    )


def issues_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The error table as CSV (``;``, UTF-8 with BOM for Excel), formula injection neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Problem")])
    for issue in rows:
        writer.writerow(
            [
                neutralise(str(issue.get("row") or "")),
                neutralise(str(issue.get("column", ""))),
                neutralise(str(issue.get("value", ""))),
                neutralise(str(issue.get("reason", ""))),
            ]
        )
    return "\ufeff" + buffer.getvalue()


def neutralise(text: str) -> str:
    """Prefix what a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection)."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


__all__ = [
    "FIELDS",
    "ImportIssue",
    "ImportRefused",
    "import_job",
    "is_identity_field",
    "issues_csv",
    "read_table",
    "run_import",
]

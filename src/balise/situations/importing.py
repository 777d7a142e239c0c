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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from balise.accounts.models import Organisation, User
from balise.audit.services import record_event
from balise.core.formulas import neutralise_formula
from balise.core.tabular import (  # the shared reader; names re-exported for callers and tests
    MAX_COLUMNS,
    ImportIssue,
    ImportRefused,
    Message,
    Sheet,
    _file_issue,
    _issue,
    _too_many_columns,
    check_size,
    decode_text,
    estimate_rows,
    fold_header,
    limits,
    localised_issues,
    read_csv,
    read_xlsx,
    sniff_delimiter,
)
from balise.core.tabular import read_table as _read_table
from balise.jobs.models import Job
from balise.jobs.services import JobError, ReportProgress, job_handler
from balise.situations.columns import EXPORT_ONLY, READABLE_HEADERS
from balise.situations.models import Situation
from balise.situations.services import (
    SituationRowsError,
    refuse_identity_fields,
    situation_changes,
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

MAX_CELL_CHARS: Final = 10_000
SHOWN_VALUE_CHARS: Final = 40
MAX_STORED_ERRORS: Final = 10_000
PREVIEW_ROWS: Final = 20
# Columns whose content is never echoed in an error report: free text, opaque encodings.
HIDDEN_VALUE_FIELDS: Final = frozenset({"note", "identity_encoding"})


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


_ALIAS_TO_FIELD: Final = {
    alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases
} | {
    fold_header(text): name
    for name, headers in READABLE_HEADERS.items()
    if name not in EXPORT_ONLY
    for text in headers.values()
}
# Columns of an export that the server sets itself: read past, so an export imports back.
_IGNORED_HEADERS: Final = frozenset(
    set(EXPORT_ONLY)
    | {fold_header(text) for name in EXPORT_ONLY for text in READABLE_HEADERS[name].values()}
)


def shown_value(value: object, field_name: str | None) -> str:
    """What an error report may echo of a cell: truncated, never free text or an encoding."""
    if field_name in HIDDEN_VALUE_FIELDS or value is None:
        return ""
    text = str(value)
    if len(text) > SHOWN_VALUE_CHARS:
        return text[: SHOWN_VALUE_CHARS - 1] + "…"
    return text


def read_table(content: bytes) -> Sheet:
    """Read an upload (CSV or XLSX) with the shared reader, in the words of situations."""
    return _read_table(
        content,
        no_rows_reason=Message(gettext_noop("The file has a header row but no situations.")),
    )


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
                    Message(
                        gettext_noop(
                            "The column “%(column)s” looks like a name or a birth date. Balise "
                            "never receives names or birth dates: run “balise encode” on your "
                            "file first, which replaces them with an encoding, and import its "
                            "output."
                        ),
                        {"column": issue.field},
                    ),
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
                    Message(gettext_noop("Column %(number)s has no name."), {"number": index + 1}),
                    row=1,
                )
            )
            continue
        folded = fold_header(name)
        if folded in _IGNORED_HEADERS:
            continue
        target = _ALIAS_TO_FIELD.get(folded)
        if target is None:
            issues.append(
                _file_issue(
                    "unknown_column",
                    Message(
                        gettext_noop(
                            "Unknown column “%(column)s”. See the list of accepted columns."
                        ),
                        {"column": name},
                    ),
                    row=1,
                    column=name,
                )
            )
            continue
        if target in seen:
            issues.append(
                _file_issue(
                    "duplicate_column",
                    Message(
                        gettext_noop(
                            "The columns “%(first)s” and “%(second)s” both give %(field)s."
                        ),
                        {"first": seen[target], "second": name, "field": target},
                    ),
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
                    Message(
                        gettext_noop("The column “%(column)s” is missing."),
                        {"column": HEADER_ALIASES[required][0]},
                    ),
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
                        Message(
                            gettext_noop(
                                "The column “%(column)s” is missing: the encoding columns of "
                                "“balise encode” go together."
                            ),
                            {"column": HEADER_ALIASES[missing][0]},
                        ),
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


def _validation_reasons(data: Mapping[str, object], count: int) -> list[dict[str, str]]:
    """The messages of ``validate_situation_data(data)`` in each language, issue by issue.

    Validation is pure and lists its issues in the same order in every language; it runs again
    only for refused rows, whose messages compose taxonomy labels and suggestions.
    """
    by_language: dict[str, list[str]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            try:
                validate_situation_data(data, accept_labels=True)
            except SituationValidationError as exc:
                by_language[language] = [issue.message for issue in exc.issues]
    return [
        {language: texts[i] for language, texts in by_language.items() if i < len(texts)}
        for i in range(count)
    ]


def check_rows(
    table: Sheet,
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
                    _issue(
                        row_number,
                        "",
                        shown_value(extra[0], None),
                        Message(
                            gettext_noop("This row has more cells than the header has columns.")
                        ),
                        "extra_cells",
                    )
                )
        data = _row_data(columns, cells)
        row_issues: list[ImportIssue] = []
        for index, name in columns.fields.items():
            cell = cells[index] if index < len(cells) else ""
            if len(cell) > MAX_CELL_CHARS:
                row_issues.append(
                    _issue(
                        row_number,
                        columns.header[index],
                        shown_value(cell, name),
                        Message(gettext_noop("The cell is too long.")),
                        "too_long",
                    )
                )
            elif cell.lstrip().startswith("="):
                row_issues.append(
                    _issue(
                        row_number,
                        columns.header[index],
                        shown_value(cell, name),
                        Message(
                            gettext_noop(
                                "This cell holds a spreadsheet formula; formulas are never "
                                "evaluated. Replace it with its value."
                            )
                        ),
                        "formula",
                    )
                )
        reference = str(data.get("reference") or "").strip()
        if not reference:
            row_issues.append(
                _issue(
                    row_number,
                    columns.column_of("reference"),
                    "",
                    Message(
                        gettext_noop(
                            "Every row needs a reference (the “record_id” of your system)."
                        )
                    ),
                    "required",
                )
            )
        elif reference in first_row_of:
            row_issues.append(
                _issue(
                    row_number,
                    columns.column_of("reference"),
                    shown_value(reference, "reference"),
                    Message(
                        gettext_noop("This reference already appears on row %(row)s."),
                        {"row": first_row_of[reference]},
                    ),
                    "duplicate_reference",
                )
            )
        else:
            first_row_of[reference] = row_number
        flagged = {issue.column for issue in row_issues}
        try:
            cleaned = validate_situation_data(data, accept_labels=True)
        except SituationValidationError as exc:
            translated = _validation_reasons(data, len(exc.issues))
            for issue, reasons in zip(exc.issues, translated, strict=True):
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
                        reasons,
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
        elif situation_changes(
            actor=actor, situation=situation, cleaned=cleaned, given=given
        ).unchanged:
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
            _issue(
                planned.row,
                columns.column_of("reference"),
                shown_value(planned.reference, "reference"),
                Message(gettext_noop("This situation was deleted while the import ran.")),
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
    table: Sheet | None,
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

    Progress stages and the job's error are English message ids, translated where they are shown
    (the job may run in a thread of another language than its reader's).

    ``channel`` names the way in, in the audit events: "import" (pages) or "cli".
    """
    mode = "apply" if apply else "check"
    if not actor.is_active or not actor.is_steward or actor.organisation_id != organisation.pk:
        raise JobError(gettext_noop("Only a steward of the organisation can import situations."))
    table: Sheet | None = None
    check: CheckResult | None = None
    try:
        if progress:
            progress(0, stage=gettext_noop("reading the file"))
        table = read_table(content)
        columns = map_columns(table.header, actor=actor, channel=channel)
        if progress:
            progress(0, len(table.rows), stage=gettext_noop("checking the rows"))

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
            progress(0, 0, stage=gettext_noop("writing"))
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
    if organisation is None or job.owner_id is None:
        raise JobError(gettext_noop("Only a steward of the organisation can import situations."))
    owner = User.objects.get(pk=job.owner_id)
    return run_import(
        bytes(job.payload),
        actor=owner,
        organisation=organisation,
        apply=job.params.get("mode") == "apply",
        progress=progress,
    )


def issues_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The error table as CSV (``;``, UTF-8 with BOM for Excel), formula injection neutralised,
    in the reader's language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Problem")])
    for issue in localised_issues(rows):
        writer.writerow(
            [
                neutralise_formula(str(issue.get("row") or "")),
                neutralise_formula(str(issue.get("column", ""))),
                neutralise_formula(str(issue.get("value", ""))),
                neutralise_formula(str(issue.get("reason", ""))),
            ]
        )
    return "\ufeff" + buffer.getvalue()


__all__ = [
    "FIELDS",
    "MAX_COLUMNS",
    "ImportIssue",
    "ImportRefused",
    "Sheet",
    "check_size",
    "decode_text",
    "estimate_rows",
    "import_job",
    "is_identity_field",
    "issues_csv",
    "limits",
    "localised_issues",
    "read_csv",
    "read_table",
    "read_xlsx",
    "run_import",
    "sniff_delimiter",
]

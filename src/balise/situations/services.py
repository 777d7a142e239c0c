"""Writes to situations: validated, atomic, audited (ids only, never content).

Every way in (form, import, API) calls these functions; they check that the actor is a recorder
or steward of the organisation, validate through ``validate_situation_data``, and append an audit
event in the same transaction as the write.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.accounts.models import Organisation, OrgRole, User
from balise.audit.models import AuditEvent
from balise.audit.services import record_event
from balise.situations import encodings
from balise.situations.models import Situation
from balise.situations.notes import decrypt_note, encrypt_note
from balise.situations.validation import (
    FIELDS,
    IDENTITY_FIELDS,
    MULTI_FIELDS,
    CleanedSituation,
    FieldIssue,
    SituationValidationError,
    is_identity_field,
    validate_situation_data,
)

CHANNELS = frozenset({"form", "import", "api", "demo"})
# The model column the note is written to (stored encrypted).
_NOTE_COLUMN: Final = "note_ciphertext"


def _check_actor(actor: User, organisation_id: int) -> None:
    if not (
        actor.is_active
        and actor.organisation_id == organisation_id
        and actor.org_role in (OrgRole.RECORDER, OrgRole.STEWARD)
    ):
        raise PermissionDenied("not a recorder of this organisation")


def refuse_identity_fields(
    *, actor: User | None, keys: Iterable[str], channel: str, request: HttpRequest | None = None
) -> None:
    """Raise (and audit as a security event) when any key looks like a name or a birth date.

    The audit event names the offending fields, never their values.
    """
    offending = sorted({str(k) for k in keys if is_identity_field(str(k))})
    if not offending:
        return
    record_event(
        "security.identity_field_refused",
        request=request,
        actor=actor,
        object_type="situation",
        details={"fields": offending, "channel": channel},
    )
    raise SituationValidationError(
        FieldIssue(
            key,
            "identity_field",
            _(
                "Names and birth dates are never sent to Balise; the identity is encoded on "
                "your device."
            ),
        )
        for key in offending
    )


def _validate(
    *,
    actor: User,
    data: Mapping[str, object],
    channel: str,
    request: HttpRequest | None,
    accept_labels: bool,
) -> CleanedSituation:
    refuse_identity_fields(actor=actor, keys=data.keys(), channel=channel, request=request)
    return validate_situation_data(data, accept_labels=accept_labels)


def _new_reference(organisation: Organisation) -> str:
    while True:
        candidate = f"BAL-{secrets.token_hex(4).upper()}"
        if not Situation.objects.filter(organisation=organisation, reference=candidate).exists():
            return candidate


def _duplicate_reference() -> SituationValidationError:
    return SituationValidationError(
        [
            FieldIssue(
                "reference",
                "duplicate",
                _("Your organisation already has a situation with this reference."),
            )
        ]
    )


def _identity_of(values: dict[str, Any]) -> tuple[str, str, str]:
    """Take the identity fields out of ``model_values()``: they are stored encrypted."""
    encoding, version, key_id = (str(values.pop(name) or "") for name in IDENTITY_FIELDS)
    return encoding, version, key_id


def build_situation(cleaned: CleanedSituation, **columns: Any) -> Situation:
    """An unsaved situation of validated values (``columns``: organisation, recorded_by, ...),
    its identity encoding encrypted; bulk writers (import, demo) save it themselves."""
    values = cleaned.model_values()
    identity = _identity_of(values)
    situation = Situation(**columns, **values)
    encodings.store(situation, *identity)
    return situation


def _save_note(situation: Situation, note: str | None) -> None:
    if note is None:
        return
    situation.note_ciphertext = (
        encrypt_note(note, organisation_id=situation.organisation_id, situation_id=situation.pk)
        if note
        else None
    )


def situation_create(
    *,
    actor: User,
    organisation: Organisation,
    data: Mapping[str, object],
    request: HttpRequest | None = None,
    channel: str = "form",
    accept_labels: bool = False,
) -> Situation:
    """Record a new situation; raises SituationValidationError or PermissionDenied."""
    _check_actor(actor, organisation.pk)
    cleaned = _validate(
        actor=actor, data=data, channel=channel, request=request, accept_labels=accept_labels
    )
    reference = cleaned.reference
    with transaction.atomic():
        if (
            reference
            and Situation.objects.filter(organisation=organisation, reference=reference).exists()
        ):
            raise _duplicate_reference()
        situation = build_situation(cleaned, organisation=organisation, recorded_by=actor)
        situation.reference = reference or _new_reference(organisation)
        try:
            with transaction.atomic():
                situation.save()
        except IntegrityError:
            raise _duplicate_reference() from None
        if cleaned.note:
            _save_note(situation, cleaned.note)
            situation.save(update_fields=["note_ciphertext"])
        record_event(
            "situation.create",
            request=request,
            actor=actor,
            organisation_id=organisation.pk,
            object_type="situation",
            object_id=situation.pk,
            details={"channel": channel},
        )
    return situation


def current_data(situation: Situation) -> dict[str, Any]:
    """The situation's values as validation input (identity and note left out)."""
    return {
        name: getattr(situation, name)
        for name in FIELDS
        if name not in IDENTITY_FIELDS and name != "note"
    }


@dataclass(frozen=True)
class SituationChanges:
    """What writing validated values onto a stored situation would change.

    ``values`` are the model values (identity left out, an empty reference replaced by the
    stored one), ``identity`` the new encoding's three fields, ``fields`` the changed input
    fields, sorted, with ``"note"`` last when the note changes.
    """

    values: dict[str, Any]
    identity: tuple[str, str, str]
    identity_fields: list[str]
    fields: list[str]
    note: str | None

    @property
    def unchanged(self) -> bool:
        return not self.fields


def situation_changes(
    *,
    actor: User,
    situation: Situation,
    cleaned: CleanedSituation,
    given: Iterable[str] | None = None,
) -> SituationChanges:
    """The one change-detection rule of the form, the API and the import.

    Only the fields in ``given`` are compared (``None``: every field, for a complete or merged
    input). An empty encoding keeps the stored one; a new one is compared through the stored
    digest (it is stored encrypted). A note the input does not mention (``cleaned.note`` is
    None) keeps the stored one; ``""`` removes it.
    """
    values = cleaned.model_values()
    identity = _identity_of(values)
    if not values["reference"]:
        values["reference"] = situation.reference
    compared = values.keys() if given is None else values.keys() & set(given)
    identity_fields = encodings.identity_changes(situation, *identity)
    fields = sorted(
        [name for name in compared if getattr(situation, name) != values[name]] + identity_fields
    )
    note_given = given is None or "note" in given
    if (
        note_given
        and cleaned.note is not None
        and (situation_note(actor=actor, situation=situation) or "") != cleaned.note
    ):
        fields.append("note")
    return SituationChanges(
        values=values,
        identity=identity,
        identity_fields=identity_fields,
        fields=fields,
        note=cleaned.note if "note" in fields else None,
    )


def apply_changes(situation: Situation, changes: SituationChanges) -> set[str]:
    """Set the changed values on ``situation`` (unsaved); the model columns to write."""
    columns: set[str] = set()
    for name in changes.fields:
        if name in changes.values:
            setattr(situation, name, changes.values[name])
            columns.add(name)
    if changes.identity_fields:
        encodings.store(situation, *changes.identity)
        columns.update(encodings.STORED_COLUMNS)
    if "note" in changes.fields:
        _save_note(situation, changes.note)
        columns.add(_NOTE_COLUMN)
    return columns


def situation_update(
    *,
    actor: User,
    situation: Situation,
    data: Mapping[str, object],
    request: HttpRequest | None = None,
    channel: str = "form",
    partial: bool = False,
    accept_labels: bool = False,
) -> Situation:
    """Change a situation. With ``partial`` the fields not given keep their values.

    Without ``partial`` every non-identity field must be given (as a form does). Empty identity
    fields keep the stored encoding; a new complete encoding replaces it. A ``note`` key sets the
    note ("" removes it); no ``note`` key leaves it unchanged.
    """
    _check_actor(actor, situation.organisation_id)
    refuse_identity_fields(actor=actor, keys=data.keys(), channel=channel, request=request)
    merged: dict[str, object] = {**current_data(situation), **data} if partial else dict(data)
    cleaned = validate_situation_data(merged, accept_labels=accept_labels)
    changes = situation_changes(actor=actor, situation=situation, cleaned=cleaned)
    with transaction.atomic():
        if "reference" in changes.fields and (
            Situation.objects.filter(
                organisation_id=situation.organisation_id, reference=changes.values["reference"]
            )
            .exclude(pk=situation.pk)
            .exists()
        ):
            raise _duplicate_reference()
        apply_changes(situation, changes)
        situation.updated_at = timezone.now()
        try:
            with transaction.atomic():
                situation.save()
        except IntegrityError:
            raise _duplicate_reference() from None
        record_event(
            "situation.update",
            request=request,
            actor=actor,
            organisation_id=situation.organisation_id,
            object_type="situation",
            object_id=situation.pk,
            details={"channel": channel, "fields": changes.fields},
        )
    return situation


# --- bulk writes (imports, retention) -------------------------------------------------------------

# An audit event holds at most this many id ranges; more go into continuation events.
AUDIT_ID_RANGES_PER_EVENT: Final = 1000
_BULK_BATCH: Final = 500


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Ids as sorted inclusive ranges ``[[first, last], ...]``: a compact, exact list.

    Rows written by one bulk insert get consecutive ids, so 10 000 new situations are one range.
    """
    ranges: list[list[int]] = []
    for pk in sorted(set(ids)):
        if ranges and ranges[-1][1] == pk - 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ranges


def ids_of_ranges(ranges: Iterable[Sequence[int]]) -> list[int]:
    """The ids an ``id_ranges`` list stands for (to read an audit event back)."""
    return [pk for first, last in ranges for pk in range(first, last + 1)]


def _record_with_ids(
    action: str,
    *,
    actor: User | None,
    request: HttpRequest | None,
    organisation_id: int | None,
    object_type: str,
    object_id: object,
    details: Mapping[str, Any],
    ids: Mapping[str, list[list[int]]],
) -> list[AuditEvent]:
    """One event with the counts and the id ranges; ranges beyond one event's share follow in
    ``<action>_ids`` events, written right after it in the same transaction."""
    pending = [(key, r) for key, ranges in ids.items() for r in ranges]
    parts = [
        pending[start : start + AUDIT_ID_RANGES_PER_EVENT]
        for start in range(0, len(pending), AUDIT_ID_RANGES_PER_EVENT)
    ] or [[]]

    def grouped(part: list[tuple[str, list[int]]]) -> dict[str, list[list[int]]]:
        out: dict[str, list[list[int]]] = {key: [] for key in ids}
        for key, r in part:
            out[key].append(r)
        return out

    main = record_event(
        action,
        request=request,
        actor=actor,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        details={**details, **grouped(parts[0]), "id_parts": len(parts)},
    )
    events = [main]
    for number, part in enumerate(parts[1:], start=2):
        events.append(
            record_event(
                f"{action}_ids",
                request=request,
                actor=actor,
                organisation_id=organisation_id,
                object_type=object_type,
                object_id=object_id,
                details={"event": main.seq, "part": number, "parts": len(parts), **grouped(part)},
            )
        )
    return events


class SituationRowsError(Exception):
    """Some rows of a bulk write are invalid; ``errors`` maps a row's index to its problems.

    Nothing was written.
    """

    def __init__(self, errors: Mapping[int, SituationValidationError]) -> None:
        super().__init__(f"{len(errors)} row(s) refused")
        self.errors = dict(sorted(errors.items()))


@dataclass
class ImportApplied:
    """What a bulk import wrote: ids per outcome and the audit events that record them."""

    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    unchanged_ids: list[int] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created_ids),
            "updated": len(self.updated_ids),
            "unchanged": len(self.unchanged_ids),
        }


def _row_issue(field_name: str, code: str, message: str) -> SituationValidationError:
    return SituationValidationError([FieldIssue(field_name, code, message)])


def situations_import_apply(
    *,
    actor: User,
    organisation: Organisation,
    rows: Sequence[Mapping[str, object]],
    request: HttpRequest | None = None,
    channel: str = "import",
    accept_labels: bool = True,
    cleaned: Sequence[CleanedSituation | None] | None = None,
) -> ImportApplied:
    """Create or update many situations at once, all or nothing, idempotent on the reference.

    Each row carries a ``reference`` (required); a row whose reference exists updates that
    situation with the fields it gives (the others keep their values). Rows whose values do not
    change are left alone (``situation_changes``). Writes go through
    ``bulk_create``/``bulk_update`` in one transaction and ONE ``situation.import`` audit event
    names every situation created or updated (id ranges; see docs/import.md). Raises
    ``SituationRowsError`` with every row's problems, ``PermissionDenied`` for a non-member.
    ``cleaned`` may give, row by row, what ``validate_situation_data(row)`` already returned (the
    import's check did it): those rows are not validated again unless they change a situation.

    Three steps: partition the rows (references, duplicates, the existing situations, locked),
    validate each into a create, an update or nothing, then write.
    """
    _check_actor(actor, organisation.pk)
    keys = {str(key) for row in rows for key in row}
    refuse_identity_fields(actor=actor, keys=keys, channel=channel, request=request)
    with transaction.atomic():
        partition = _partition(organisation, rows)
        plan = _validate_rows(
            actor=actor,
            organisation=organisation,
            rows=rows,
            partition=partition,
            accept_labels=accept_labels,
            cleaned=cleaned,
        )
        if partition.errors:
            raise SituationRowsError(partition.errors)
        return _write(
            actor=actor,
            organisation=organisation,
            plan=plan,
            rows=len(rows),
            row_of=partition.first_index,
            request=request,
            channel=channel,
        )


@dataclass
class _Partition:
    """Rows by reference: the row index of each reference, the stored situations (locked), and
    the rows refused for their reference alone."""

    references: dict[int, str] = field(default_factory=dict)
    first_index: dict[str, int] = field(default_factory=dict)
    existing: dict[str, Situation] = field(default_factory=dict)
    errors: dict[int, SituationValidationError] = field(default_factory=dict)


def _partition(organisation: Organisation, rows: Sequence[Mapping[str, object]]) -> _Partition:
    partition = _Partition()
    for index, row in enumerate(rows):
        reference = str(row.get("reference") or "").strip()
        if not reference:
            partition.errors[index] = _row_issue(
                "reference", "required", _("This field is required.")
            )
        elif reference in partition.first_index:
            partition.errors[index] = _row_issue(
                "reference", "duplicate", _("This reference appears twice in the same import.")
            )
        else:
            partition.first_index[reference] = index
            partition.references[index] = reference
    wanted = list(partition.first_index)
    for start in range(0, len(wanted), _BULK_BATCH):
        chunk = wanted[start : start + _BULK_BATCH]
        scoped = Situation.objects.select_for_update().filter(
            organisation=organisation, reference__in=chunk
        )
        partition.existing.update({s.reference: s for s in scoped})
    return partition


@dataclass
class _BulkPlan:
    """What the write step does: new situations (with their notes), changed ones, the rest."""

    now: datetime
    to_create: list[tuple[Situation, str]] = field(default_factory=list)
    to_update: list[Situation] = field(default_factory=list)
    unchanged_ids: list[int] = field(default_factory=list)
    changed_columns: set[str] = field(default_factory=set)
    field_counts: dict[str, int] = field(default_factory=dict)


def _validate_rows(
    *,
    actor: User,
    organisation: Organisation,
    rows: Sequence[Mapping[str, object]],
    partition: _Partition,
    accept_labels: bool,
    cleaned: Sequence[CleanedSituation | None] | None,
) -> _BulkPlan:
    """Validate every row not yet refused; refusals go into ``partition.errors``."""
    plan = _BulkPlan(now=timezone.now())
    for index, row in enumerate(rows):
        if index in partition.errors:
            continue
        situation = partition.existing.get(partition.references[index])
        alone = cleaned[index] if cleaned is not None else None
        try:
            if situation is None:
                alone = alone or validate_situation_data(row, accept_labels=accept_labels)
                new = build_situation(
                    alone,
                    organisation=organisation,
                    recorded_by=actor,
                    created_at=plan.now,
                    updated_at=plan.now,
                )
                plan.to_create.append((new, alone.note or ""))
                continue
            if alone is None:
                try:
                    alone = validate_situation_data(row, accept_labels=accept_labels)
                except SituationValidationError:
                    alone = None  # a partial row: the merged validation below says more
            # The stored row was valid, so a row that changes nothing needs no merged validation.
            if (
                alone is not None
                and situation_changes(
                    actor=actor, situation=situation, cleaned=alone, given=row.keys()
                ).unchanged
            ):
                plan.unchanged_ids.append(situation.pk)
                continue
            merged = {**current_data(situation), **row}
            result = validate_situation_data(merged, accept_labels=accept_labels)
        except SituationValidationError as exc:
            partition.errors[index] = exc
            continue
        changes = situation_changes(actor=actor, situation=situation, cleaned=result)
        if changes.unchanged:
            plan.unchanged_ids.append(situation.pk)
            continue
        for name in changes.fields:
            # The audit log refuses a "note" key anywhere; the column name says the same.
            counted = _NOTE_COLUMN if name == "note" else name
            plan.field_counts[counted] = plan.field_counts.get(counted, 0) + 1
        plan.changed_columns |= apply_changes(situation, changes)
        situation.updated_at = plan.now
        plan.to_update.append(situation)
    return plan


def _write(
    *,
    actor: User,
    organisation: Organisation,
    plan: _BulkPlan,
    rows: int,
    row_of: Mapping[str, int],
    request: HttpRequest | None,
    channel: str,
) -> ImportApplied:
    """Bulk insert and update, then one audit event (with continuations) naming every id."""
    created = _bulk_insert(organisation, [s for s, _note in plan.to_create], row_of)
    with_notes = []
    for situation, note in plan.to_create:
        if note:
            _save_note(situation, note)
            with_notes.append(situation)
    if with_notes:
        Situation.objects.bulk_update(with_notes, [_NOTE_COLUMN], batch_size=_BULK_BATCH)
    if plan.to_update:
        Situation.objects.bulk_update(
            plan.to_update,
            sorted(plan.changed_columns | {"updated_at"}),
            batch_size=_BULK_BATCH,
        )
    applied = ImportApplied(
        created_ids=[s.pk for s in created],
        updated_ids=[s.pk for s in plan.to_update],
        unchanged_ids=plan.unchanged_ids,
    )
    applied.events = _record_with_ids(
        "situation.import",
        actor=actor,
        request=request,
        organisation_id=organisation.pk,
        object_type="organisation",
        object_id=organisation.pk,
        details={
            "channel": channel,
            "rows": rows,
            **applied.counts(),
            "fields": dict(sorted(plan.field_counts.items())),
        },
        ids={
            "created_ids": id_ranges(applied.created_ids),
            "updated_ids": id_ranges(applied.updated_ids),
        },
    )
    return applied


def _bulk_insert(
    organisation: Organisation, situations: list[Situation], row_of: Mapping[str, int]
) -> list[Situation]:
    """Insert; a reference recorded meanwhile by someone else is reported on its row."""
    if not situations:
        return []
    try:
        with transaction.atomic():
            created = Situation.objects.bulk_create(situations, batch_size=_BULK_BATCH)
    except IntegrityError:
        taken = set(
            Situation.objects.filter(
                organisation=organisation, reference__in=[s.reference for s in situations]
            ).values_list("reference", flat=True)
        )
        raise SituationRowsError(
            {row_of[reference]: _duplicate_reference() for reference in taken}
        ) from None
    if any(s.pk is None for s in created):  # pragma: no cover - every supported backend returns ids
        by_reference = dict(
            Situation.objects.filter(
                organisation=organisation, reference__in=[s.reference for s in created]
            ).values_list("reference", "pk")
        )
        for situation in created:
            situation.pk = by_reference[situation.reference]
    return created


# --- retention -----------------------------------------------------------------------------------


def retention_cutoff(*, today: date | None = None, months: int | None = None) -> date:
    """The first detection month that is kept: ``months`` months before the current month.

    With 120 months, in November 2026 the cutoff is 2016-11-01: a situation detected in
    October 2016 is purged, one detected in November 2016 is kept until December 2026.
    """
    months = settings.BALISE_RETENTION_MONTHS if months is None else months
    if months < 1:
        raise ValueError("the retention period must be at least one month")
    today = today or timezone.localdate()
    index = today.year * 12 + (today.month - 1) - months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class PurgeResult:
    """What a purge deleted (or, in a dry run, would delete)."""

    cutoff: date
    months: int
    situation_ids: list[int] = field(default_factory=list)
    notes: int = 0
    by_organisation: dict[int, int] = field(default_factory=dict)
    events: list[AuditEvent] = field(default_factory=list)
    dry_run: bool = False


def situations_purge(
    *,
    today: date | None = None,
    months: int | None = None,
    dry_run: bool = False,
    actor: User | None = None,
) -> PurgeResult:
    """Delete the situations detected before the retention cutoff, with their encrypted notes.

    One transaction; one ``situation.purge`` audit event with the counts and every deleted id
    (as ranges). A dry run only counts and writes nothing, not even an audit event.
    """
    months = settings.BALISE_RETENTION_MONTHS if months is None else months
    cutoff = retention_cutoff(today=today, months=months)
    result = PurgeResult(cutoff=cutoff, months=months, dry_run=dry_run)
    with transaction.atomic():
        expired = Situation.objects.filter(detection_month__lt=cutoff).order_by("pk")
        if not dry_run:
            expired = expired.select_for_update()
        for pk, organisation_id, has_note in expired.values_list(
            "pk",
            "organisation_id",
            ExpressionWrapper(Q(note_ciphertext__isnull=False), output_field=BooleanField()),
        ):
            result.situation_ids.append(pk)
            result.notes += int(bool(has_note))
            result.by_organisation[organisation_id] = (
                result.by_organisation.get(organisation_id, 0) + 1
            )
        if dry_run or not result.situation_ids:
            return result
        ids = result.situation_ids
        for start in range(0, len(ids), _BULK_BATCH):
            Situation.objects.filter(pk__in=ids[start : start + _BULK_BATCH]).delete()
        result.events = _record_with_ids(
            "situation.purge",
            actor=actor,
            request=None,
            organisation_id=None,
            object_type="situation",
            object_id="",
            details={
                "retention_months": months,
                "cutoff": cutoff.isoformat(),
                "situations": len(ids),
                "encrypted_notes": result.notes,  # the audit log refuses a "notes" key
                "organisations": {str(k): v for k, v in sorted(result.by_organisation.items())},
            },
            ids={"situation_ids": id_ranges(ids)},
        )
    return result


def situation_note(*, actor: User, situation: Situation) -> str | None:
    """The decrypted note, for members of the recording organisation only (None: no note).

    Raises PermissionDenied for anyone else and NoteIntegrityError when the ciphertext was
    moved or altered.
    """
    _check_actor(actor, situation.organisation_id)
    if situation.note_ciphertext is None:
        return None
    return decrypt_note(
        bytes(situation.note_ciphertext),
        organisation_id=situation.organisation_id,
        situation_id=situation.pk,
    )


__all__ = [
    "MULTI_FIELDS",
    "ImportApplied",
    "PurgeResult",
    "SituationChanges",
    "SituationRowsError",
    "SituationValidationError",
    "apply_changes",
    "build_situation",
    "current_data",
    "refuse_identity_fields",
    "retention_cutoff",
    "situation_changes",
    "situation_create",
    "situation_note",
    "situation_update",
    "situations_import_apply",
    "situations_purge",
]

"""Writes to situations: validated, atomic, audited (ids only, never content).

Every way in (form, import, API) calls these functions; they check that the actor is a recorder
or steward of the organisation, validate through ``validate_situation_data``, and append an audit
event in the same transaction as the write.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.accounts.models import Organisation, OrgRole, User
from balise.audit.services import record_event
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
    values = cleaned.model_values()
    with transaction.atomic():
        if (
            values["reference"]
            and Situation.objects.filter(
                organisation=organisation, reference=values["reference"]
            ).exists()
        ):
            raise _duplicate_reference()
        values["reference"] = values["reference"] or _new_reference(organisation)
        situation = Situation(organisation=organisation, recorded_by=actor, **values)
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
    values = cleaned.model_values()
    if not values["reference"]:
        values["reference"] = situation.reference
    if not values["identity_encoding"]:
        for name in IDENTITY_FIELDS:
            values[name] = getattr(situation, name)
    changed = sorted(name for name, value in values.items() if getattr(situation, name) != value)
    if cleaned.note is not None:
        old_note = situation_note(actor=actor, situation=situation) or ""
        if old_note != cleaned.note:
            changed.append("note")
    with transaction.atomic():
        if "reference" in changed and (
            Situation.objects.filter(
                organisation_id=situation.organisation_id, reference=values["reference"]
            )
            .exclude(pk=situation.pk)
            .exists()
        ):
            raise _duplicate_reference()
        for name, value in values.items():
            setattr(situation, name, value)
        if "note" in changed:
            _save_note(situation, cleaned.note)
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
            details={"channel": channel, "fields": changed},
        )
    return situation


def situation_upsert(
    *,
    actor: User,
    organisation: Organisation,
    data: Mapping[str, object],
    request: HttpRequest | None = None,
    channel: str = "import",
    accept_labels: bool = False,
) -> tuple[Situation, bool]:
    """Create, or update the situation with the same reference (idempotent imports).

    Returns ``(situation, created)``. ``data`` must carry a ``reference``.
    """
    reference = str(data.get("reference") or "").strip()
    if not reference:
        raise SituationValidationError(
            [FieldIssue("reference", "required", _("This field is required."))]
        )
    existing = Situation.objects.filter(organisation=organisation, reference=reference).first()
    if existing is None:
        created = situation_create(
            actor=actor,
            organisation=organisation,
            data=data,
            request=request,
            channel=channel,
            accept_labels=accept_labels,
        )
        return created, True
    updated = situation_update(
        actor=actor,
        situation=existing,
        data=data,
        request=request,
        channel=channel,
        partial=True,
        accept_labels=accept_labels,
    )
    return updated, False


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
    "SituationValidationError",
    "current_data",
    "refuse_identity_fields",
    "situation_create",
    "situation_note",
    "situation_update",
    "situation_upsert",
]

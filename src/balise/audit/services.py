"""Writing and verifying the audit chain.

Each event stores ``hash = HMAC-SHA256(key, previous hash || canonical payload)``, with the key held
outside the database (``BALISE_AUDIT_KEY``), so that someone who can write to the database cannot
recompute a valid chain. Appends are serialised (an advisory lock on PostgreSQL, an IMMEDIATE
transaction on SQLite) so concurrent writers cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from balise.audit.models import AuditEvent
from balise.core.middleware import request_id_of

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_ID = 0x42414C495345  # "BALISE"

# Keys that must never reach the audit log: identity fields and free text.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {"first_name", "last_name", "name", "birth_date", "dob", "note", "notes", "password", "text"}
)


def canonical_payload(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    request_id: str,
    details: Mapping[str, Any],
) -> bytes:
    body = {
        "seq": seq,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "organisation_id": organisation_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "request_id": request_id,
        "details": details,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, payload: bytes) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(key, prev_hash.encode("ascii") + payload, hashlib.sha256).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])


def _check_details(details: Mapping[str, Any]) -> None:
    bad = FORBIDDEN_DETAIL_KEYS.intersection(k.lower() for k in details)
    if bad:
        raise ValueError(f"audit details must not carry {sorted(bad)}")


def record_event(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    organisation_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the request's user; pass ids, never content."""
    details = dict(details or {})
    _check_details(details)
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    actor_id = getattr(actor, "pk", None)
    actor_label = str(getattr(actor, "email", "")) if actor is not None else ""
    if organisation_id is None and actor is not None:
        organisation_id = getattr(actor, "organisation_id", None)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        seq = 1 if last is None else last.seq + 1
        prev_hash = GENESIS_HASH if last is None else last.hash
        created_at = datetime.now(UTC)
        fields: dict[str, Any] = {
            "seq": seq,
            "created_at": created_at,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "organisation_id": organisation_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "request_id": request_id_of(request),
            "details": details,
        }
        digest = chain_hash(prev_hash, canonical_payload(**fields))
        return AuditEvent.objects.create(prev_hash=prev_hash, hash=digest, **fields)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


def verify_chain(events: Iterable[AuditEvent] | None = None) -> VerifyResult:
    """Re-compute the whole chain; name the first event that does not fit."""
    rows = events if events is not None else AuditEvent.objects.order_by("seq").iterator(2000)
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in rows:
        if event.seq != expected_seq:
            return VerifyResult(
                False, checked, event.seq, f"expected event #{expected_seq}, found #{event.seq}"
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(
                False, checked, event.seq, "previous-hash link does not match the event before"
            )
        payload = canonical_payload(
            seq=event.seq,
            created_at=event.created_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            organisation_id=event.organisation_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            request_id=event.request_id,
            details=event.details,
        )
        if not hmac.compare_digest(chain_hash(prev_hash, payload), event.hash):
            return VerifyResult(False, checked, event.seq, "content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked)

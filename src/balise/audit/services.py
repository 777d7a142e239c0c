"""Writing and verifying the audit chain.

Each event stores ``hash = HMAC-SHA256(key, previous hash || canonical payload)``, with the key held
outside the database (``BALISE_AUDIT_KEY``), so that someone who can write to the database cannot
recompute a valid chain. Appends are serialised (an advisory lock on PostgreSQL, an IMMEDIATE
transaction on SQLite) so concurrent writers cannot fork the chain. A chain alone cannot show that
its newest events were cut off; :func:`chain_head` gives the anchor to keep elsewhere, and
:func:`verify_chain` checks it (see docs/audit.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from balise.audit.models import AuditEvent
from balise.core.middleware import request_id_of

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_ID = 0x42414C495345  # "BALISE"
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")

# Keys that must never reach the audit log, at any depth: identity fields and free text.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {
        "first_name",
        "last_name",
        "name",
        "full_name",
        "birth_date",
        "dob",
        "note",
        "notes",
        "password",
        "text",
        "comment",
    }
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
    """The bytes an event's hash covers: every stored field but the hashes, as sorted JSON."""
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
    # SQLite needs nothing more: transaction_mode=IMMEDIATE takes the single writer lock at BEGIN.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])


def _check_details(details: object, path: str = "") -> None:
    if isinstance(details, Mapping):
        for key, value in details.items():
            if str(key).lower() in FORBIDDEN_DETAIL_KEYS:
                raise ValueError(f"audit details must not carry {path}{key!r}")
            _check_details(value, f"{path}{key}.")
    elif isinstance(details, list):
        for item in details:
            _check_details(item, path)


def _normalise_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the database will give back: JSON types only, so the hash survives the round trip."""
    normal = json.loads(json.dumps(dict(details or {}), sort_keys=True))
    if not isinstance(normal, dict):  # pragma: no cover - json of a dict is a dict
        raise TypeError("audit details must be a mapping")
    _check_details(normal)
    return normal


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
    """Append one event. ``actor`` defaults to the request's user; pass ids, never content.

    ``action`` is a dotted lower-case name such as ``network.organisation_created``; the
    vocabulary is listed in docs/audit.md.
    """
    if not _ACTION.match(action) or len(action) > 64:
        raise ValueError(f"audit action {action!r} is not a dotted lower-case name")
    clean_details = _normalise_details(details)
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
        fields: dict[str, Any] = {
            "seq": seq,
            "created_at": datetime.now(UTC),
            "actor_id": actor_id,
            "actor_label": actor_label[:254],
            "organisation_id": organisation_id,
            "action": action,
            "object_type": object_type[:64],
            "object_id": str(object_id)[:64],
            "request_id": request_id_of(request)[:64],
            "details": clean_details,
        }
        digest = chain_hash(prev_hash, canonical_payload(**fields))
        return AuditEvent.objects.create(prev_hash=prev_hash, hash=digest, **fields)


def record_read(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    organisation_id: int | None = None,
    object_type: str,
    object_id: object = "",
    details: Mapping[str, Any] | None = None,
    per_object: bool = False,
) -> AuditEvent | None:
    """Record a read (or a refused look-up), at most once per window and person.

    Pages that are reloaded, paginated or polled (a job's progress, every second) would otherwise
    bury the log: within ``AUDIT_READ_WINDOW_SECONDS`` (60) a second event with the same person,
    action and kind of object is not written; with ``per_object`` the object counts too (every
    different id refused is written, the same one refused again is not). Returns the event
    written, or None when the window swallowed it. Details carry counts and ids, never content.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    window = int(getattr(settings, "AUDIT_READ_WINDOW_SECONDS", 60))
    actor_id = getattr(actor, "pk", None)
    if window > 0 and actor_id is not None:
        recent = AuditEvent.objects.filter(
            action=action,
            actor_id=actor_id,
            object_type=object_type[:64],
            created_at__gte=datetime.now(UTC) - timedelta(seconds=window),
        )
        if per_object:
            recent = recent.filter(object_id=str(object_id)[:64])
        if recent.exists():
            return None
    return record_event(
        action,
        request=request,
        actor=actor,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def record_not_visible(
    *, actor: Any, object_type: str, object_id: object, request: HttpRequest | None = None
) -> AuditEvent | None:
    """A signed-in person asked for an object that exists but is not theirs to see (another
    organisation's): they get the same 404 as for a missing one, and the attempt is recorded
    (ASVS 16.3.2) as ``authz.not_visible``, once a window per person and object."""
    return record_read(
        "authz.not_visible",
        request=request,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        details={"reason": "other organisation"},
        per_object=True,
    )


@dataclass(frozen=True)
class ChainHead:
    """The newest event's position and hash: the anchor to publish or keep outside the database."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> ChainHead:
        match = _HEAD.match(text.strip().lower())
        if not match:
            raise ValueError(f"a chain head is SEQ:HASH (64 hex digits), not {text!r}")
        return cls(int(match.group(1)), match.group(2))


def chain_head() -> ChainHead:
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    return ChainHead(0, GENESIS_HASH) if last is None else ChainHead(last.seq, last.hash)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    head: ChainHead | None = None


def _payload_of(event: AuditEvent) -> bytes:
    return canonical_payload(
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


def verify_chain(
    events: Iterable[AuditEvent] | None = None,
    *,
    expect_head: ChainHead | None = None,
    start: ChainHead | None = None,
) -> VerifyResult:
    """Re-compute the whole chain; name the first event that does not fit.

    Without ``expect_head`` a chain whose newest events were deleted still verifies: nothing
    inside the database can tell. With it, the chain must reach that head unchanged. ``start``
    is the event just before ``events`` when they are a segment (an exported copy, say).
    """
    rows = events if events is not None else AuditEvent.objects.order_by("seq").iterator(2000)
    start = start or ChainHead(0, GENESIS_HASH)
    prev_hash = start.hash
    expected_seq = start.seq + 1
    checked = 0
    for event in rows:
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                reason = f"event #{expected_seq} is missing (the next stored one is #{event.seq})"
            else:
                reason = f"event #{event.seq} appears out of order after #{expected_seq - 1}"
            return VerifyResult(False, checked, expected_seq, reason)
        if event.prev_hash != prev_hash:
            return VerifyResult(
                False, checked, event.seq, "previous-hash link does not match the event before"
            )
        if not hmac.compare_digest(chain_hash(prev_hash, _payload_of(event)), event.hash):
            return VerifyResult(False, checked, event.seq, "content does not match its hash")
        if (
            expect_head is not None
            and event.seq == expect_head.seq
            and not hmac.compare_digest(event.hash, expect_head.hash)
        ):
            return VerifyResult(
                False, checked, event.seq, "hash differs from the anchored chain head"
            )
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    last_seq = expected_seq - 1
    if expect_head is not None and last_seq < expect_head.seq:
        return VerifyResult(
            False,
            checked,
            last_seq + 1,
            f"the log ends at #{last_seq} but the anchored head is #{expect_head.seq}: "
            "events were removed from the end",
        )
    return VerifyResult(True, checked, head=ChainHead(last_seq, prev_hash))


EXPORT_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "request_id",
    "details",
    "prev_hash",
    "hash",
)


def event_to_json(event: AuditEvent) -> str:
    """One event as a JSON line holding every stored field, for a copy kept elsewhere."""
    row = {name: getattr(event, name) for name in EXPORT_FIELDS}
    row["created_at"] = event.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def event_from_json(line: str) -> AuditEvent:
    """The unsaved event a JSON line describes (``verify_chain`` checks it like a stored one)."""
    row = json.loads(line)
    if not isinstance(row, dict) or set(row) != set(EXPORT_FIELDS):
        raise ValueError("not an exported audit event")
    row["created_at"] = datetime.fromisoformat(row["created_at"])
    return AuditEvent(**row)

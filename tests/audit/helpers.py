"""Shared helpers for the audit tests: a seeded chain and raw SQL as an attacker would run it."""

from __future__ import annotations

from typing import Any

from django.db import connection

from balise.audit.guard import audit_maintenance
from balise.audit.models import AuditEvent
from balise.audit.services import record_event


def seed_chain(count: int = 6) -> list[AuditEvent]:
    return [
        record_event(
            "test.event", object_type="thing", object_id=str(i), details={"step": i, "ok": True}
        )
        for i in range(1, count + 1)
    ]


def attacker_sql(sql: str, params: list[Any] | None = None) -> None:
    """Run SQL with the append-only triggers lifted: someone with full database access."""
    with audit_maintenance(connection), connection.cursor() as cursor:
        cursor.execute(sql, params or [])

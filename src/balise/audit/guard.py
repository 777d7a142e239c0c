"""Database-level append-only guard for the audit table, and its one deliberate way around.

Triggers (migration 0002) refuse UPDATE, DELETE and TRUNCATE on ``audit_auditevent`` unless the
current connection has switched on *maintenance*: on PostgreSQL the setting
``balise.audit_maintenance = 'on'``, on SQLite the SQL function ``balise_audit_unlocked()`` that
only Balise's own connections define (any other SQLite client fails closed: the trigger cannot
even run). Only ``flush`` (tests, development) and the tamper tests use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

_FLAG = "balise_audit_unlocked"


def register_sqlite_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: give each SQLite connection the guard's function."""
    if connection.vendor != "sqlite":
        return

    def unlocked() -> int:
        return 1 if getattr(connection, _FLAG, False) else 0

    connection.connection.create_function(_FLAG, 0, unlocked)


@contextmanager
def audit_maintenance(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Let this connection change or delete audit rows for the duration of the block."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET balise.audit_maintenance = 'on'")
        try:
            yield
        finally:
            if not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("RESET balise.audit_maintenance")
    else:
        setattr(connection, _FLAG, True)
        try:
            yield
        finally:
            setattr(connection, _FLAG, False)

"""Audit rows cannot be changed or deleted: not through the ORM, not through raw SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from balise.audit.models import AppendOnlyError, AuditEvent
from tests.audit.helpers import attacker_sql, seed_chain


@pytest.mark.django_db
def test_it_refuses_model_save_and_delete() -> None:
    event = seed_chain(1)[0]
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_it_refuses_queryset_update_delete_and_bulk_create() -> None:
    seed_chain(2)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).update(action="test.changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(seq=9, action="x.y", hash="f" * 64)])
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'test.changed' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 2",
        "DELETE FROM audit_auditevent",
    ],
)
def test_it_refuses_raw_sql_changes_in_the_database(sql: str) -> None:
    seed_chain(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.event"] * 2


@pytest.mark.django_db
def test_it_refuses_truncate_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    seed_chain(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_it_lets_maintenance_through_only_inside_the_block() -> None:
    seed_chain(2)
    attacker_sql("DELETE FROM audit_auditevent WHERE seq = 2")
    assert AuditEvent.objects.count() == 1
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")

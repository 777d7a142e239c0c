"""Concurrent writers on PostgreSQL append one after the other: the chain never forks.

SQLite is left out: its test database lives in shared memory, where concurrent writers fail
with "table is locked" instead of waiting, which says nothing about the real file database.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from balise.audit.models import AuditEvent
from balise.audit.services import record_event, verify_chain

THREADS = 8
EVENTS_PER_THREAD = 15


@pytest.mark.django_db(transaction=True)
def test_it_serialises_concurrent_appends() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are meaningful on PostgreSQL only")
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for step in range(EVENTS_PER_THREAD):
                record_event("test.concurrent", details={"writer": number, "step": step})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = THREADS * EVENTS_PER_THREAD
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert AuditEvent.objects.values("prev_hash").distinct().count() == total
    result = verify_chain()
    assert (result.ok, result.checked) == (True, total)

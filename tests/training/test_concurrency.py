"""Many people registering and confirming at once for the last places never overbook.

PostgreSQL only (like tests/audit/test_concurrency.py): SQLite's shared-memory test database
makes concurrent writers fail instead of wait. Every thread registers and confirms at the same
moment; the session row lock serialises them, and the arrival numbers say in which order.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from balise.training import services
from balise.training.models import Registration, Status
from tests.training.factories import make_course, make_session

PLACES = 20
PEOPLE = 32


@pytest.mark.django_db(transaction=True)
def test_it_never_overbooks_the_last_places() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are meaningful on PostgreSQL only")
    session = make_session(make_course(), timezone.now() + timedelta(days=10), capacity=PLACES)
    start = threading.Barrier(PEOPLE)
    errors: list[BaseException] = []

    def person(number: int) -> None:
        try:
            data = services.RegistrationInput(
                full_name=f"Person {number}",
                email=f"person{number}@example.org",
                language="fr",
                consent=True,
                sector="police",
            )
            start.wait()
            outcome = services.registration_create(session=session, data=data)
            services.registration_confirm(registration=outcome.registration)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    rows = list(Registration.objects.filter(session=session).order_by("arrival"))
    assert [r.arrival for r in rows] == list(range(1, PEOPLE + 1))
    assert [r.status for r in rows] == [Status.REGISTERED] * PLACES + [Status.WAITLISTED] * (
        PEOPLE - PLACES
    )
    # A freed place goes to the first in arrival order.
    first_waiting = rows[PLACES]
    services.registration_cancel_own(registration=rows[0])
    first_waiting.refresh_from_db()
    assert first_waiting.status == Status.OFFERED

"""The whole life of a full session on a fake clock: registration, confirmation, cancellation,
automatic promotion, an offer that expires and passes to the next person, leaving the waitlist,
reminders and evaluation mails (``training_tick``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from balise.audit.models import AuditEvent
from balise.training import services
from balise.training.models import Registration, Status
from balise.training.selectors import waitlist_position
from tests.training.factories import at, make_course, make_session
from tests.training.helpers import Clock, mails_to, register, register_and_confirm

pytestmark = pytest.mark.django_db


def _status(registration: Registration) -> str:
    registration.refresh_from_db()
    return registration.status


def test_it_runs_the_waitlist_by_itself() -> None:
    clock = Clock(at(2026, 3, 1))
    session = make_session(make_course(), at(2026, 3, 20), capacity=2, offer_hold_hours=48)

    first = register(session, 1, clock)
    assert first.status == Status.PENDING
    assert [m.subject for m in mails_to("person1@example.org")] == [
        "Confirmez votre inscription : Repérer l'exploitation"
    ]
    first = services.registration_confirm(registration=first, now=clock.now)
    second = register_and_confirm(session, 2, clock)
    third = register_and_confirm(session, 3, clock)
    fourth = register_and_confirm(session, 4, clock)
    assert [r.status for r in (first, second, third, fourth)] == [
        Status.REGISTERED,
        Status.REGISTERED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    assert [r.arrival for r in (first, second, third, fourth)] == [1, 2, 3, 4]
    assert (waitlist_position(third), waitlist_position(fourth)) == (1, 2)
    registered_mail = mails_to("person1@example.org")[-1]
    assert registered_mail.subject == "Vous êtes inscrit·e : Repérer l'exploitation"
    assert [a[0] for a in registered_mail.attachments] == ["training.ics"]

    # The first person cancels: the place is offered to the third, held 48 hours.
    clock.advance(days=1)
    services.registration_cancel_own(registration=first, now=clock.now)
    assert _status(first) == Status.CANCELLED
    assert _status(third) == Status.OFFERED
    third.refresh_from_db()
    assert third.offer_expires_at == clock.now + timedelta(hours=48)
    assert mails_to("person3@example.org")[-1].subject.startswith("Une place est libre pour vous")

    # Nobody answers: one minute before the end nothing moves, at the end the offer passes on.
    clock.advance(hours=47, minutes=59)
    assert services.training_tick(now=clock.now).offers_expired == 0
    assert _status(third) == Status.OFFERED
    clock.advance(minutes=1)
    report = services.training_tick(now=clock.now)
    assert report.offers_expired == 1
    assert _status(third) == Status.DECLINED
    assert _status(fourth) == Status.OFFERED
    assert AuditEvent.objects.filter(action="training.offer_expired").count() == 1
    with pytest.raises(services.RegistrationRefused) as refused:
        services.offer_accept(registration=third, now=clock.now)
    assert refused.value.code == "no_offer"

    # The fourth takes the place: registered, with the calendar file.
    services.offer_accept(registration=fourth, now=clock.now)
    assert _status(fourth) == Status.REGISTERED
    assert mails_to("person4@example.org")[-1].attachments[0][0] == "training.ics"
    assert session.registrations.filter(status__in=[Status.REGISTERED]).count() == 2

    # A fifth joins the waitlist and leaves it again.
    fifth = register_and_confirm(session, 5, clock)
    assert fifth.status == Status.WAITLISTED
    services.registration_cancel_own(registration=fifth, now=clock.now)
    assert _status(fifth) == Status.CANCELLED

    # Reminders two days before; the same tick again sends none twice.
    clock.now = at(2026, 3, 18, 10)
    assert services.training_tick(now=clock.now).reminders == 2
    assert services.training_tick(now=clock.now).reminders == 0
    assert mails_to("person2@example.org")[-1].subject == "Rappel : Repérer l'exploitation"

    # After the session, those who attended get the evaluation link, once.
    clock.now = at(2026, 3, 20, 12)
    Registration.objects.filter(pk=second.pk).update(status=Status.ATTENDED)
    clock.now = at(2026, 3, 21)
    assert services.training_tick(now=clock.now).evaluations == 1
    assert services.training_tick(now=clock.now).evaluations == 0
    assert "/trainings/evaluate/" in mails_to("person2@example.org")[-1].body


def test_it_declines_an_offer_and_offers_the_next() -> None:
    clock = Clock(at(2026, 3, 1))
    session = make_session(make_course(), at(2026, 3, 20), capacity=1)
    first = register_and_confirm(session, 1, clock)
    second = register_and_confirm(session, 2, clock)
    third = register_and_confirm(session, 3, clock)
    services.registration_cancel_own(registration=first, now=clock.now)
    assert _status(second) == Status.OFFERED
    services.offer_decline(registration=second, now=clock.now)
    assert _status(second) == Status.DECLINED
    assert _status(third) == Status.OFFERED


def test_it_never_holds_an_offer_beyond_the_start() -> None:
    clock = Clock(at(2026, 3, 19, 9))
    session = make_session(
        make_course(),
        at(2026, 3, 20),
        capacity=1,
        registration_deadline=at(2026, 3, 19, 20),
        cancellation_deadline=at(2026, 3, 19, 20),
    )
    first = register_and_confirm(session, 1, clock)
    second = register_and_confirm(session, 2, clock)
    services.registration_cancel_own(registration=first, now=clock.now)
    second.refresh_from_db()
    assert second.offer_expires_at == session.starts_at


def test_it_mails_only_when_the_transaction_commits_its_change() -> None:
    clock = Clock(at(2026, 3, 1))
    session = make_session(make_course(), at(2026, 3, 20), capacity=1, waitlist_enabled=False)
    register_and_confirm(session, 1, clock)
    before = len(mail.outbox)
    with pytest.raises(services.RegistrationRefused) as refused:
        register(session, 2, clock)
    assert refused.value.code == "full"
    assert len(mail.outbox) == before
    assert session.registrations.count() == 1

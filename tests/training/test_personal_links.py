"""The pages opened by personal links: taking or declining an offer, a cancellation after the
deadline, the evaluation form; and the editors' changes that move the waitlist (more places,
a cancelled session, approval)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from balise.training import services
from balise.training.models import Evaluation, Registration, Status
from balise.training.tokens import Purpose, make_token
from tests.conftest import Personas, login_verified
from tests.training.factories import make_course, make_registration, make_session
from tests.training.helpers import Clock, register_and_confirm

pytestmark = pytest.mark.django_db


def _page(registration: Registration) -> str:
    return f"/trainings/me/{make_token(registration, Purpose.MANAGE)}/"


def test_it_takes_an_offered_place_from_the_personal_page(client: Client) -> None:
    session = make_session(make_course(), timezone.now() + timedelta(days=10), capacity=1)
    first = make_registration(session, 1, Status.REGISTERED)
    second = make_registration(session, 2, Status.WAITLISTED)
    assert "numéro 1 sur la liste" in client.get(_page(second)).content.decode()
    assert client.post(_page(first), {"action": "cancel"}).status_code == 302
    second.refresh_from_db()
    assert second.status == Status.OFFERED
    page = client.get(_page(second)).content.decode()
    assert "Prendre la place" in page
    assert "Plus intéressé·e" in page
    assert client.post(_page(second), {"action": "take"}).status_code == 302
    second.refresh_from_db()
    assert second.status == Status.REGISTERED
    # Taking it again is refused kindly, and changes nothing.
    again = client.post(_page(second), {"action": "take"})
    assert again.status_code == 409
    assert "Aucune place ne vous est proposée" in again.content.decode()


def test_it_refuses_a_cancellation_after_the_deadline(client: Client) -> None:
    starts = timezone.now() + timedelta(hours=20)
    session = make_session(
        make_course(),
        starts,
        registration_deadline=starts - timedelta(hours=2),
        cancellation_deadline=timezone.now() - timedelta(hours=1),
    )
    person = make_registration(session, 1, Status.REGISTERED)
    assert "Annuler mon inscription" not in client.get(_page(person)).content.decode()
    response = client.post(_page(person), {"action": "cancel"})
    assert response.status_code == 409
    assert "date limite d’annulation est passée" in response.content.decode()
    person.refresh_from_db()
    assert person.status == Status.REGISTERED
    assert client.post(_page(person), {"action": "nonsense"}).status_code == 409


def test_it_takes_one_evaluation_from_people_who_attended(client: Client) -> None:
    session = make_session(make_course(), timezone.now() - timedelta(days=1))
    present = make_registration(session, 1, Status.ATTENDED)
    absent = make_registration(session, 2, Status.NO_SHOW)
    url = f"/trainings/evaluate/{make_token(present, Purpose.EVALUATE)}/"
    bad = client.post(url, {"overall": "9", "content": "4", "trainer": "5"})
    assert bad.status_code == 400
    assert Evaluation.objects.count() == 0
    scores = {"overall": "5", "content": "4", "trainer": "5", "usefulness": "3"}
    assert client.post(url, {**scores, "comments": "Concret"}).status_code == 200
    assert Evaluation.objects.get().comments == "Concret"
    assert client.post(url, scores).status_code == 409
    assert Evaluation.objects.count() == 1
    other = client.post(f"/trainings/evaluate/{make_token(absent, Purpose.EVALUATE)}/", scores)
    assert other.status_code == 409
    # The evaluation link does not open the personal page, nor the reverse.
    assert client.get(f"/trainings/me/{make_token(present, Purpose.EVALUATE)}/").status_code == 400


def test_it_gives_certificates_only_to_people_who_attended(client: Client) -> None:
    session = make_session(make_course(), timezone.now() - timedelta(days=1))
    present = make_registration(session, 1, Status.ATTENDED)
    absent = make_registration(session, 2, Status.NO_SHOW)
    ok = client.get(f"/trainings/me/{make_token(present, Purpose.MANAGE)}/certificate.pdf")
    assert ok.content[:5] == b"%PDF-"
    refused = client.get(f"/trainings/me/{make_token(absent, Purpose.MANAGE)}/certificate.pdf")
    assert refused.status_code == 409


def test_more_places_go_to_the_waitlist_at_once(personas: Personas) -> None:
    clock = Clock(timezone.now())
    session = make_session(make_course(), timezone.now() + timedelta(days=10), capacity=1)
    register_and_confirm(session, 1, clock)
    waiting = register_and_confirm(session, 2, clock)
    assert waiting.status == Status.WAITLISTED
    services.session_save(actor=personas.editor, values={"capacity": 2}, session=session)
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED


def test_it_refuses_fewer_places_than_are_taken(client: Client, personas: Personas) -> None:
    session = make_session(make_course(), timezone.now() + timedelta(days=10), capacity=2)
    make_registration(session, 1, Status.REGISTERED)
    make_registration(session, 2, Status.REGISTERED)
    login_verified(client, personas.editor)
    form = client.get(f"/trainings/manage/sessions/{session.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "questions"}
    for name in ("starts_at", "ends_at", "registration_deadline", "cancellation_deadline"):
        data[name] = timezone.localtime(data[name]).strftime("%Y-%m-%dT%H:%M")
    data.update(capacity="1", waitlist_enabled="on", is_published="on")
    response = client.post(f"/trainings/manage/sessions/{session.pk}/edit/", data)
    assert response.status_code == 400
    assert "2 places sont déjà prises" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 2


def test_a_cancelled_session_tells_everyone_with_a_cancelling_calendar(
    personas: Personas,
) -> None:
    clock = Clock(timezone.now())
    session = make_session(make_course(), timezone.now() + timedelta(days=10), capacity=1)
    register_and_confirm(session, 1, clock)
    register_and_confirm(session, 2, clock)
    mail.outbox.clear()
    assert services.session_cancel(actor=personas.editor, session=session) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["person1@example.org", "person2@example.org"]
    ics = mail.outbox[0].attachments[0][1]
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert services.session_cancel(actor=personas.editor, session=session) == 0


def test_approval_holds_a_place_until_the_editor_decides(personas: Personas) -> None:
    clock = Clock(timezone.now())
    session = make_session(
        make_course(), timezone.now() + timedelta(days=10), capacity=1, approval_required=True
    )
    first = register_and_confirm(session, 1, clock)
    second = register_and_confirm(session, 2, clock)
    assert (first.status, second.status) == (Status.AWAITING_APPROVAL, Status.WAITLISTED)
    assert mail.outbox[1].subject.startswith("Inscription reçue, en attente d’approbation")
    services.registration_staff_action(actor=personas.editor, registration=first, action="refuse")
    second.refresh_from_db()
    assert second.status == Status.OFFERED

"""The editors' pages: catalogue, session form, registrations and their actions (audited),
check-in by htmx, attendance exports, certificates, evaluation results, one person's data."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from balise.audit.models import AuditEvent
from balise.training.models import Course, Evaluation, Registration, Session, Status
from tests.conftest import Personas, login_verified
from tests.training.factories import make_course, make_registration, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client: Client, personas: Personas) -> Client:
    return login_verified(client, personas.editor)


def _today_session(**fields: Any) -> Session:
    starts = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return make_session(
        make_course(),
        starts,
        registration_deadline=starts - timedelta(days=2),
        cancellation_deadline=starts - timedelta(days=1),
        **fields,
    )


def test_it_creates_a_course_and_a_session(editor: Client) -> None:
    response = editor.post(
        "/trainings/manage/courses/new/",
        {
            "text_language": "fr",
            "title": "Mineurs non accompagnés",
            "summary": "Le cadre et les signes.",
            "duration_hours": "3.5",
            "languages": ["fr", "nl"],
            "audience_sectors": ["reception", "justice"],
        },
    )
    course = Course.objects.get()
    assert response["Location"] == f"/trainings/manage/courses/{course.pk}/"
    assert course.audience_sectors == ["reception", "justice"]

    form = {
        "starts_at": "2030-05-10T09:00",
        "ends_at": "2030-05-10T16:00",
        "language": "nl",
        "online_url": "https://meet.example.org/abc",
        "capacity": "12",
        "registration_deadline": "2030-05-08T12:00",
        "cancellation_deadline": "2030-05-09T12:00",
        "offer_hold_hours": "24",
        "waitlist_enabled": "on",
        "is_published": "on",
        "questions_text": "Votre expérience ?\n\nVos attentes ?",
    }
    assert (
        editor.post(f"/trainings/manage/courses/{course.pk}/sessions/new/", form).status_code == 302
    )
    session = Session.objects.get()
    assert session.questions == ["Votre expérience ?", "Vos attentes ?"]
    assert timezone.localtime(session.starts_at).hour == 9  # Brussels time, stored aware
    assert session.starts_at.utcoffset() is not None
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "training.course_created",
        "training.session_created",
    }


def test_it_refuses_a_session_form_that_does_not_add_up(editor: Client) -> None:
    course = make_course()
    response = editor.post(
        f"/trainings/manage/courses/{course.pk}/sessions/new/",
        {
            "starts_at": "2030-05-10T09:00",
            "ends_at": "2030-05-10T08:00",
            "language": "fr",
            "capacity": "0",
            "registration_deadline": "2030-05-11T12:00",
            "cancellation_deadline": "2030-05-09T12:00",
            "offer_hold_hours": "48",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "La session doit se terminer après son début.",
        "Les inscriptions doivent se clôturer avant le début de la session.",
        "Indiquez une adresse, un lien de réunion en ligne, ou les deux.",
    ):
        assert message in page
    assert Session.objects.count() == 0


def test_it_approves_refuses_and_cancels_with_audit_and_mail(editor: Client) -> None:
    session = make_session(
        make_course(), timezone.now() + timedelta(days=10), capacity=2, approval_required=True
    )
    waiting = make_registration(session, 1, Status.AWAITING_APPROVAL)
    refused = make_registration(session, 2, Status.AWAITING_APPROVAL)
    queued = make_registration(session, 3, Status.WAITLISTED)
    base = "/trainings/manage/registrations"
    assert editor.post(f"{base}/{waiting.pk}/approve/").status_code == 302
    assert editor.post(f"{base}/{refused.pk}/refuse/").status_code == 302
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {
        waiting.pk: Status.REGISTERED,
        refused.pk: Status.DECLINED,
        queued.pk: Status.OFFERED,  # the refused person's place went on
    }
    events = list(
        AuditEvent.objects.filter(action__startswith="training.registration_").values_list(
            "action", "object_id"
        )
    )
    assert events == [
        ("training.registration_approve", str(waiting.pk)),
        ("training.registration_refuse", str(refused.pk)),
    ]
    assert {m.to[0] for m in mail.outbox} == {"p1@example.org", "p2@example.org", "p3@example.org"}
    # An action that does not apply changes nothing.
    response = editor.post(f"{base}/{waiting.pk}/approve/", follow=True)
    assert "ne s’applique pas" in response.content.decode()


def test_it_checks_people_in_by_htmx_on_the_day(editor: Client) -> None:
    session = _today_session()
    person = make_registration(session, 1, Status.REGISTERED)
    page = editor.get(f"/trainings/manage/sessions/{session.pk}/check-in/")
    assert 'aria-pressed="false"' in page.content.decode()
    row = editor.post(
        f"/trainings/manage/registrations/{person.pk}/attended/", HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200
    assert 'aria-pressed="true"' in row.content.decode()
    assert f'<li id="checkin-{person.pk}">' in row.content.decode()
    person.refresh_from_db()
    assert person.status == Status.ATTENDED
    editor.post(f"/trainings/manage/registrations/{person.pk}/unmark/", HTTP_HX_REQUEST="true")
    person.refresh_from_db()
    assert person.status == Status.REGISTERED


def test_it_refuses_to_mark_attendance_before_the_day(editor: Client) -> None:
    session = make_session(make_course(), timezone.now() + timedelta(days=3))
    person = make_registration(session, 1, Status.REGISTERED)
    response = editor.post(
        f"/trainings/manage/registrations/{person.pk}/attended/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    person.refresh_from_db()
    assert person.status == Status.REGISTERED


def test_it_exports_the_attendance_list_without_formulas(editor: Client) -> None:
    session = _today_session()
    make_registration(session, 1, Status.REGISTERED, full_name="=HYPERLINK(1)")
    make_registration(session, 2, Status.ATTENDED, full_name="Zoé Dupont")
    make_registration(session, 3, Status.CANCELLED)
    url = f"/trainings/manage/sessions/{session.pk}/attendance"
    text = editor.get(f"{url}.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(1)", "Zoé Dupont"]
    sheet = load_workbook(io.BytesIO(editor.get(f"{url}.xlsx").content)).active
    assert sheet is not None
    assert sheet["A2"].value == "'=HYPERLINK(1)"
    pdf = PdfReader(io.BytesIO(editor.get(f"{url}.pdf").content))
    assert "Zoé Dupont" in pdf.pages[0].extract_text()
    assert editor.get(f"{url}.doc").status_code == 404
    assert AuditEvent.objects.filter(action="training.attendance_exported").count() == 3


def test_it_issues_certificates_only_to_people_who_attended(editor: Client) -> None:
    session = _today_session()
    present = make_registration(session, 1, Status.ATTENDED, full_name="Zoé Dupont")
    absent = make_registration(session, 2, Status.NO_SHOW)
    response = editor.get(f"/trainings/manage/registrations/{present.pk}/certificate.pdf")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Zoé Dupont" in text
    assert "Attestation de participation" in text
    assert (
        editor.get(f"/trainings/manage/registrations/{absent.pk}/certificate.pdf").status_code
        == 404
    )


def test_it_shows_evaluation_results_with_charts_and_tables(editor: Client) -> None:
    session = _today_session()
    for number, score in enumerate((5, 4, 4)):
        registration = make_registration(session, number, Status.ATTENDED)
        Evaluation.objects.create(
            registration=registration,
            overall=score,
            content=score,
            trainer=5,
            usefulness=3,
            comments="Très utile" if number == 0 else "",
        )
    page = editor.get(f"/trainings/manage/sessions/{session.pk}/results/").content.decode()
    assert page.count('class="chart-figure"') == 2
    assert page.count("<table") == 2
    assert "4,33" in page  # the mean of 5, 4 and 4, in French
    assert "Très utile" in page
    course_page = editor.get(f"/trainings/manage/courses/{session.course_id}/results/")
    assert "3 évaluations" in course_page.content.decode()


def test_it_exports_and_erases_one_person(editor: Client) -> None:
    session = make_session(make_course(), timezone.now() + timedelta(days=5), capacity=1)
    person = make_registration(session, 1, Status.REGISTERED, email="anne@example.org")
    waiting = make_registration(session, 2, Status.WAITLISTED)
    found = editor.get("/trainings/manage/people/", {"email": "ANNE@example.org"})
    assert "1 inscription" in found.content.decode()
    exported = editor.post(
        "/trainings/manage/people/", {"email": "anne@example.org", "action": "export"}
    )
    data = json.loads(exported.content)
    assert data["registrations"][0]["email"] == "anne@example.org"
    assert data["registrations"][0]["consent"]["privacy_notice_version"] == "1"
    editor.post("/trainings/manage/people/", {"email": "anne@example.org", "action": "erase"})
    person.refresh_from_db()
    assert (person.full_name, person.email, person.status) == ("", "", Status.CANCELLED)
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    assert list(
        AuditEvent.objects.filter(
            action__in=["training.person_exported", "training.person_erased"]
        ).values_list("action", flat=True)
    ) == ["training.person_exported", "training.person_erased"]


def test_it_lists_registrations_in_constant_queries(editor: Client) -> None:
    session = make_session(make_course(), timezone.now() + timedelta(days=5))
    make_registration(session, 1, Status.REGISTERED)
    url = f"/trainings/manage/sessions/{session.pk}/"
    editor.get(url)
    with CaptureQueriesContext(connection) as few:
        editor.get(url)
    for number in range(2, 12):
        make_registration(session, number, Status.WAITLISTED)
    with CaptureQueriesContext(connection) as many:
        editor.get(url)
    assert len(many) == len(few)

"""The mail outbox: queued in the caller's transaction, delivered once, retried with backoff,
never sent twice after a crash, never sent to a suppressed address."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import LazySettings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone

from balise.audit.models import AuditEvent
from balise.jobs.models import Job
from balise.jobs.services import run_queued
from balise.mail.models import OutboundMail, Suppression
from balise.mail.selectors import batch_counts
from balise.mail.services import (
    BACKOFF,
    MAX_ATTEMPTS,
    STALE_SENDING,
    Attachment,
    deliver_due,
    mail_forget,
    mail_purge,
    mail_queue,
    mail_retry,
    mail_suppress,
)
from tests.conftest import Personas, SmtpServer

pytestmark = pytest.mark.django_db

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime:
        return self.now


def _queue(**fields: object) -> OutboundMail:
    values: dict[str, object] = {
        "to": "reader@example.org",
        "subject": "Votre inscription",
        "text": "Bonjour,\nvotre inscription est confirmée.\n",
        "purpose": "test.confirmation",
    }
    values.update(fields)
    return mail_queue(**values)  # type: ignore[arg-type]


def test_it_delivers_both_parts_and_the_attachment_at_once() -> None:
    queued = _queue(
        html="<p>Bonjour</p>",
        attachments=[Attachment("session.ics", ICS, "text/calendar")],
        headers={"X-Balise-Purpose": "confirmation"},
    )
    queued.refresh_from_db()
    assert queued.status == OutboundMail.Status.SENT
    assert queued.attempts == 1
    assert queued.sent_at is not None
    assert queued.message_id
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert message.subject == "Votre inscription"
    assert isinstance(message, EmailMultiAlternatives)
    assert message.alternatives[0][1] == "text/html"
    assert message.attachments[0][0] == "session.ics"
    assert message.extra_headers["X-Balise-Purpose"] == "confirmation"
    assert message.extra_headers["Message-ID"] == queued.message_id


def test_it_queues_a_key_only_once() -> None:
    first = _queue(key="newsletter:1:7")
    second = _queue(key="newsletter:1:7", subject="Another subject")
    assert first.pk == second.pk
    assert OutboundMail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_it_refuses_a_subject_on_two_lines() -> None:
    with pytest.raises(ValueError, match="one line"):
        _queue(subject="Hello\r\nBcc: someone@example.org")
    assert not OutboundMail.objects.exists()


def test_it_talks_to_a_real_smtp_server(smtp_server: SmtpServer) -> None:
    _queue(
        html="<p>Bonjour <strong>Anne</strong></p>",
        attachments=[Attachment("session.ics", ICS, "text/calendar")],
        headers={"List-Unsubscribe": "<https://balise.example/u/abc>"},
    )
    [received] = smtp_server.messages
    assert received["To"] == "reader@example.org"
    assert received["Subject"] == "Votre inscription"
    assert received["List-Unsubscribe"] == "<https://balise.example/u/abc>"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None
    assert "confirmée" in text.get_content()
    assert html is not None
    assert "<strong>Anne</strong>" in html.get_content()
    [ics] = list(received.iter_attachments())
    assert ics.get_filename() == "session.ics"
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_payload(decode=True) == ICS
    assert smtp_server.envelopes[0].rcpt_tos == ["reader@example.org"]


def test_it_retries_a_refusal_with_backoff_then_delivers(
    smtp_server: SmtpServer, settings: LazySettings
) -> None:
    settings.BALISE_MAIL_SYNC = False
    settings.BALISE_JOBS_SYNC = False
    queued = _queue()
    clock = Clock()
    smtp_server.refuse.append("451 4.3.0 Try again later")
    report = deliver_due(now=clock)
    queued.refresh_from_db()
    assert (report.sent, report.retried) == (0, 1)
    assert queued.status == OutboundMail.Status.QUEUED
    assert queued.attempts == 1
    assert "451" in queued.last_error
    assert queued.next_attempt_at == clock.now + BACKOFF[0]
    assert deliver_due(now=clock).sent == 0  # not due yet
    clock.now += BACKOFF[0]
    assert deliver_due(now=clock).sent == 1
    queued.refresh_from_db()
    assert queued.status == OutboundMail.Status.SENT
    assert queued.attempts == 2
    assert len(smtp_server.messages) == 1


def test_it_gives_up_after_the_last_attempt(
    smtp_server: SmtpServer, settings: LazySettings
) -> None:
    settings.BALISE_MAIL_SYNC = False
    settings.BALISE_JOBS_SYNC = False
    queued = _queue()
    clock = Clock()
    smtp_server.refuse.extend(["451 4.3.0 Try again later"] * MAX_ATTEMPTS)
    for _ in range(MAX_ATTEMPTS):
        deliver_due(now=clock)
        clock.now += max(BACKOFF)
    queued.refresh_from_db()
    assert queued.status == OutboundMail.Status.FAILED
    assert queued.attempts == MAX_ATTEMPTS
    assert smtp_server.messages == []


def test_it_retries_when_no_server_answers(settings: LazySettings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens there
    settings.EMAIL_TIMEOUT = 2
    queued = _queue()
    queued.refresh_from_db()
    assert queued.status == OutboundMail.Status.QUEUED
    assert queued.attempts == 1
    assert queued.last_error


def test_it_never_writes_to_a_suppressed_address() -> None:
    mail_suppress(email="Reader@Example.org", reason=Suppression.Reason.BOUNCE)
    queued = _queue()
    queued.refresh_from_db()
    assert queued.status == OutboundMail.Status.SUPPRESSED
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="mail.address_suppressed").count() == 1


def test_a_message_interrupted_mid_send_is_never_resent_by_itself(personas: Personas) -> None:
    queued = _queue(key="k1")
    clock = Clock()
    mail.outbox.clear()
    # A process claimed it, then died before recording the result.
    OutboundMail.objects.filter(pk=queued.pk).update(
        status=OutboundMail.Status.SENDING, claimed_at=clock.now, sent_at=None
    )
    assert deliver_due(now=clock).interrupted == 0  # maybe still being sent
    clock.now += STALE_SENDING + timedelta(seconds=1)
    report = deliver_due(now=clock)
    queued.refresh_from_db()
    assert report.interrupted == 1
    assert report.sent == 0
    assert queued.status == OutboundMail.Status.INTERRUPTED
    assert mail.outbox == []
    # A person decides to send it again: audited, then delivered.
    mail_retry(mail=queued, actor=personas.admin)
    queued.refresh_from_db()
    assert queued.status == OutboundMail.Status.SENT
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="mail.retried")
    assert event.object_id == str(queued.pk)
    assert event.actor_id == personas.admin.pk
    with pytest.raises(ValueError, match="only failed or interrupted"):
        mail_retry(mail=queued, actor=personas.admin)


def test_it_wakes_one_system_job_that_delivers_everything_queued(
    settings: LazySettings,
) -> None:
    settings.BALISE_MAIL_SYNC = False
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"
    _queue(key="a", batch="newsletter-1")
    _queue(key="b", to="other@example.org", batch="newsletter-1")
    assert mail.outbox == []
    [job] = Job.objects.all()
    assert job.owner_id is None
    assert job.organisation_id is None
    assert job.kind == "balise.mail.jobs.deliver_outbox"
    assert batch_counts("newsletter-1")["queued"] == 2
    assert run_queued() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["other@example.org", "reader@example.org"]
    assert batch_counts("newsletter-1") == {
        "queued": 0,
        "sending": 0,
        "sent": 2,
        "failed": 0,
        "suppressed": 0,
        "interrupted": 0,
    }


def test_the_worker_delivers_retries_that_came_due(settings: LazySettings) -> None:
    settings.BALISE_MAIL_SYNC = False
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"
    queued = _queue()
    Job.objects.all().delete()  # only the periodic pass of `jobs work` is left to deliver it
    call_command("jobs", "work", "--once", stdout=StringIO())
    queued.refresh_from_db()
    assert queued.status == OutboundMail.Status.SENT


def test_it_keeps_the_rate_limit(settings: LazySettings) -> None:
    settings.BALISE_MAIL_SYNC = False
    settings.BALISE_MAIL_RATE_PER_MINUTE = 30
    for n in range(3):
        _queue(key=f"r{n}")
    pauses: list[float] = []
    assert deliver_due(sleep=pauses.append).sent == 3
    assert pauses == [2.0, 2.0, 2.0]


def test_it_forgets_a_person_and_purges_old_messages() -> None:
    _queue(key="x")
    _queue(key="y", to="someone.else@example.org")
    assert mail_forget(email="READER@example.org") == 1
    assert list(OutboundMail.objects.values_list("recipient", flat=True)) == [
        "someone.else@example.org"
    ]
    assert mail_purge(older_than=timedelta(days=1)) == 0
    assert mail_purge(older_than=timedelta(days=1), now=timezone.now() + timedelta(days=2)) == 1
    assert not OutboundMail.objects.exists()


def test_the_command_shows_and_suppresses() -> None:
    _queue()
    out = StringIO()
    call_command("mail", "status", stdout=out)
    assert "sent\t1" in out.getvalue()
    call_command("mail", "suppress", "gone@example.org", "--reason", "bounce", stdout=out)
    assert Suppression.objects.get().email == "gone@example.org"

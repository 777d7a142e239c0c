"""Queueing and delivering mail (the outbox).

``mail_queue`` is called inside the transaction of the change that calls for a message; the
message leaves after commit, on the jobs runner: in the web process's pool (``thread``), in
``balise jobs work`` (``worker``, which also retries due messages at every poll), or at once in
tests (``BALISE_JOBS_SYNC``). Delivery goes through Django's mail framework, so the backend is
SMTP in production and a file in ``make run``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from balise.audit.services import record_event
from balise.jobs.models import Job
from balise.jobs.services import Handler, job_enqueue, jobs_sync, kind_of
from balise.mail.models import OutboundAttachment, OutboundMail, Suppression

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, ... attempt after a failure of the mail server; then ``failed``.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A row left ``sending`` this long was being sent by a process that died.
STALE_SENDING = timedelta(minutes=15)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def normalise_address(email: str) -> str:
    """Addresses compare case-insensitively (the domain always; the local part in practice)."""
    return email.strip().lower()


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(email=normalise_address(email)).exists()


@transaction.atomic
def mail_suppress(
    *, email: str, reason: str, details: str = "", actor: object = None
) -> Suppression:
    """Never write to ``email`` again; mails still queued for it will not be sent."""
    address = normalise_address(email)
    entry, created = Suppression.objects.get_or_create(
        email=address, defaults={"reason": reason, "details": details[:255]}
    )
    if created:
        record_event(
            "mail.address_suppressed",
            actor=actor,
            object_type="suppression",
            object_id=entry.pk,
            details={"reason": reason},
        )
    return entry


def mail_queue(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
    purpose: str,
    key: str | None = None,
    batch: str = "",
    reply_to: str = "",
) -> OutboundMail:
    """Queue one message to one recipient; delivered after the surrounding transaction commits.

    With a ``key`` already queued, the first row is returned and nothing new is queued: a
    retried job or a double click never mails anyone twice.
    """
    if "\n" in subject or "\r" in subject:
        raise ValueError("a mail subject is one line")
    if key is not None:
        existing = OutboundMail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            mail = OutboundMail.objects.create(
                purpose=purpose,
                key=key,
                batch=batch,
                recipient=to.strip(),
                from_email=settings.DEFAULT_FROM_EMAIL,
                reply_to=reply_to,
                subject=subject[:255],
                text=text,
                html=html,
                headers=dict(headers or {}),
            )
            OutboundAttachment.objects.bulk_create(
                OutboundAttachment(
                    mail=mail, filename=a.filename, mimetype=a.mimetype, content=a.content
                )
                for a in attachments
            )
    except IntegrityError:
        if key is None:
            raise
        return OutboundMail.objects.get(key=key)  # queued at the same moment by another process
    _wake()
    return mail


def _wake() -> None:
    """Have the runner deliver what is due once the current transaction commits (at once with
    ``BALISE_MAIL_SYNC``, which the test suite sets, or ``BALISE_JOBS_SYNC``)."""
    if jobs_sync() or getattr(settings, "BALISE_MAIL_SYNC", False):
        deliver_due()
        return
    # One waiting delivery job is enough: it will see every row committed before it starts.
    if not Job.objects.filter(kind=kind_of(_deliver_job()), status=Job.Status.QUEUED).exists():
        job_enqueue(handler=_deliver_job(), owner=None, organisation_id=None)


def _deliver_job() -> Handler:
    from balise.mail.jobs import deliver_outbox  # jobs.py imports this module

    return deliver_outbox


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    interrupted: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "suppressed": self.suppressed,
            "interrupted": self.interrupted,
        }


def recover_interrupted(*, now: datetime | None = None) -> int:
    """Rows left ``sending`` by a dead process: marked ``interrupted``, never resent by
    themselves (the message may have left before the crash)."""
    now = now or timezone.now()
    return OutboundMail.objects.filter(
        status=OutboundMail.Status.SENDING, claimed_at__lt=now - STALE_SENDING
    ).update(
        status=OutboundMail.Status.INTERRUPTED,
        last_error="The sending process stopped during delivery; not resent automatically.",
    )


def _claim(pk: int, now: datetime) -> bool:
    return (
        OutboundMail.objects.filter(pk=pk, status=OutboundMail.Status.QUEUED).update(
            status=OutboundMail.Status.SENDING, claimed_at=now
        )
        == 1
    )


def _message(mail: OutboundMail, connection: Any) -> EmailMultiAlternatives:
    headers = dict(mail.headers)
    headers.setdefault("Message-ID", mail.message_id)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=mail.from_email,
        to=[mail.recipient],
        reply_to=[mail.reply_to] if mail.reply_to else None,
        headers=headers,
        connection=connection,
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    for attachment in mail.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def deliver_due(
    *,
    now: Callable[[], datetime] = timezone.now,
    limit: int | None = None,
    batch: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int], None] | None = None,
) -> DeliveryReport:
    """Send every queued message whose time has come, oldest first, at most
    ``BALISE_MAIL_RATE_PER_MINUTE`` a minute (0: no limit)."""
    report = DeliveryReport(interrupted=recover_interrupted(now=now()))
    rate = int(getattr(settings, "BALISE_MAIL_RATE_PER_MINUTE", 0))
    pause = 60.0 / rate if rate > 0 else 0.0
    connection = get_connection(fail_silently=False)
    opened = False
    try:
        while limit is None or report.sent + report.failed + report.retried < limit:
            due = OutboundMail.objects.filter(
                status=OutboundMail.Status.QUEUED, next_attempt_at__lte=now()
            )
            if batch is not None:
                due = due.filter(batch=batch)
            pk = due.order_by("next_attempt_at", "pk").values_list("pk", flat=True).first()
            if pk is None:
                break
            if not _claim(pk, now()):
                continue  # another runner took it
            mail = OutboundMail.objects.get(pk=pk)
            if is_suppressed(mail.recipient):
                OutboundMail.objects.filter(pk=pk).update(status=OutboundMail.Status.SUPPRESSED)
                report.suppressed += 1
                continue
            if not mail.message_id:
                domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "balise"
                mail.message_id = make_msgid(domain=domain)
            try:
                if not opened:
                    connection.open()
                    opened = True
                _message(mail, connection).send(fail_silently=False)
            except Exception as exc:  # the mail server said no, or was not there
                _close_quietly(connection)
                opened = False
                _failed(mail, exc, now(), report)
            else:
                OutboundMail.objects.filter(pk=pk).update(
                    status=OutboundMail.Status.SENT,
                    sent_at=now(),
                    attempts=mail.attempts + 1,
                    message_id=mail.message_id,
                    last_error="",
                )
                report.sent += 1
                if progress is not None:
                    progress(report.sent)
                if pause:
                    sleep(pause)
    finally:
        if opened:
            _close_quietly(connection)
    return report


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # closing a broken connection may fail too
        logger.debug("closing the mail connection failed", exc_info=True)


def _failed(mail: OutboundMail, exc: Exception, now: datetime, report: DeliveryReport) -> None:
    attempts = mail.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:500]
    logger.warning("mail #%s (%s): attempt %s failed: %s", mail.pk, mail.purpose, attempts, error)
    report.errors.append(error)
    if attempts >= MAX_ATTEMPTS:
        OutboundMail.objects.filter(pk=mail.pk).update(
            status=OutboundMail.Status.FAILED, attempts=attempts, last_error=error
        )
        report.failed += 1
        return
    OutboundMail.objects.filter(pk=mail.pk).update(
        status=OutboundMail.Status.QUEUED,
        attempts=attempts,
        last_error=error,
        next_attempt_at=now + BACKOFF[attempts - 1],
        message_id=mail.message_id,
    )
    report.retried += 1


@transaction.atomic
def mail_retry(*, mail: OutboundMail, actor: object) -> OutboundMail:
    """A person decides to send again a failed or interrupted message (audited)."""
    if mail.status not in (OutboundMail.Status.FAILED, OutboundMail.Status.INTERRUPTED):
        raise ValueError("only failed or interrupted mail is sent again")
    OutboundMail.objects.filter(pk=mail.pk).update(
        status=OutboundMail.Status.QUEUED, next_attempt_at=timezone.now(), attempts=0
    )
    record_event(
        "mail.retried",
        actor=actor,
        object_type="mail",
        object_id=mail.pk,
        details={"purpose": mail.purpose, "previous_status": mail.status},
    )
    mail.refresh_from_db()
    _wake()
    return mail


def mail_forget(*, email: str) -> int:
    """Erase the messages written to ``email`` (a person's erasure request); the number erased.
    A suppression entry stays: it is what keeps Balise from writing to the address again."""
    address = normalise_address(email)
    deleted, _ = OutboundMail.objects.filter(recipient__iexact=address).delete()
    return deleted


def mail_purge(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Drop delivered (or given up) messages older than ``older_than``: their text is personal."""
    cutoff = (now or timezone.now()) - older_than
    done = [
        OutboundMail.Status.SENT,
        OutboundMail.Status.FAILED,
        OutboundMail.Status.SUPPRESSED,
    ]
    deleted, _ = OutboundMail.objects.filter(status__in=done, created_at__lt=cutoff).delete()
    return deleted

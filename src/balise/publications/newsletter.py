"""The newsletter's writes: double opt-in with proof of consent, one-click unsubscribe, bounces,
erasure, and issues sent by a resumable background job through the outbox (balise.mail).

Nothing here answers differently for an address that is already subscribed (no probing); an
address that left (unsubscribed, bounced, erased) is kept as a digest in ``Suppression`` and only
a new confirmation by its owner lifts it, with an audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final
from urllib.parse import urljoin

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.core.markdown import markdown_to_text, render_markdown
from balise.jobs.models import Job
from balise.jobs.services import ReportProgress, job_enqueue, job_handler, job_start
from balise.mail.services import (
    is_suppressed,
    mail_forget,
    mail_queue,
    mail_suppress,
    normalise_address,
)
from balise.publications.models import LANGUAGE_CODES, Consent, Issue, Subscriber, Suppression

CONFIRM_SALT: Final = "balise.publications.newsletter.confirm"
CONFIRM_MAX_AGE: Final = timedelta(days=7)
# The version of the consent text shown on the subscription form (newsletter/subscribe.html);
# change it whenever that text changes, so each consent points at the words the person saw.
CONSENT_TEXT_VERSION: Final = "2026-12-01"
SUBSCRIBE_FORM: Final = "newsletter:subscribe"
# A pending address asking again within this delay gets no second mail (no mail bombing).
RESEND_AFTER: Final = timedelta(minutes=10)
ONE_CLICK: Final = "List-Unsubscribe=One-Click"


def address_digest(email: str) -> str:
    return hashlib.sha256(normalise_address(email).encode()).hexdigest()


def is_newsletter_suppressed(email: str) -> bool:
    """The address left the newsletter (or bounces): no mail until its owner confirms again."""
    return Suppression.objects.filter(digest=address_digest(email)).exists() or is_suppressed(email)


def _check_editor(actor: User) -> None:
    if not (actor.is_active and actor.is_editor):
        raise PermissionDenied("not an editor")


def _absolute(base_url: str, path: str) -> str:
    return urljoin(base_url, path)


# --- Subscribing ---


def confirmation_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.pk, "n": subscriber.confirm_nonce}, salt=CONFIRM_SALT)


class ConfirmationRefused(ValueError):
    """The link is expired, altered or replaced by a newer one; ``expired`` tells which."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def subscriber_for_token(token: str) -> Subscriber:
    """The subscriber a confirmation link names; raises ConfirmationRefused."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmationRefused(expired=True) from None
    except signing.BadSignature:
        raise ConfirmationRefused(expired=False) from None
    if not isinstance(payload, dict):
        raise ConfirmationRefused(expired=False)
    subscriber_id = payload.get("s")
    if not isinstance(subscriber_id, int):
        raise ConfirmationRefused(expired=False)
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or not secrets.compare_digest(
        subscriber.confirm_nonce, str(payload.get("n", ""))
    ):
        raise ConfirmationRefused(expired=False)
    return subscriber


def subscription_request(
    *, email: str, language: str, base_url: str, form: str = SUBSCRIBE_FORM
) -> None:
    """Ask ``email`` to confirm; the caller answers the same page whatever happens here."""
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": [_("Choose French, Dutch or English.")]})
    address = normalise_address(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=address).first()
        if subscriber is not None and subscriber.status == Subscriber.Status.CONFIRMED:
            return  # already subscribed: nothing to send, nothing to tell
        if subscriber is not None and subscriber.status == Subscriber.Status.PENDING:
            recent = subscriber.consents.filter(
                event=Consent.Event.REQUESTED, at__gte=now - RESEND_AFTER
            ).exists()
            if recent:
                return
        if subscriber is None:
            subscriber = Subscriber(
                email=address,
                unsubscribe_token=secrets.token_urlsafe(32),
            )
        subscriber.language = language
        subscriber.status = Subscriber.Status.PENDING
        subscriber.confirm_nonce = secrets.token_hex(16)
        subscriber.save()
        Consent.objects.create(
            subscriber=subscriber,
            event=Consent.Event.REQUESTED,
            at=now,
            form=form,
            text_version=CONSENT_TEXT_VERSION,
            language=language,
        )
        url = _absolute(
            base_url, reverse("newsletter:confirm", args=[confirmation_token(subscriber)])
        )
        with translation.override(language):
            context = {"confirm_url": url, "days": CONFIRM_MAX_AGE.days}
            mail_queue(
                to=address,
                subject=_("Confirm your subscription to the Balise newsletter"),
                text=render_to_string("newsletter/email/confirm.txt", context),
                html=render_to_string("newsletter/email/confirm.html", context),
                purpose="newsletter.confirm",
            )
        record_event(
            "newsletter.subscription_requested",
            object_type="subscriber",
            object_id=subscriber.pk,
            details={"language": language, "form": form},
        )


def subscription_confirm(*, token: str) -> Subscriber:
    """Confirm the subscription a link names; raises ConfirmationRefused."""
    with transaction.atomic():
        subscriber = subscriber_for_token(token)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber
        request = subscriber.consents.filter(event=Consent.Event.REQUESTED).last()
        now = timezone.now()
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = now
        subscriber.left_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "left_at"])
        Consent.objects.create(
            subscriber=subscriber,
            event=Consent.Event.CONFIRMED,
            at=now,
            form=request.form if request else SUBSCRIBE_FORM,
            text_version=request.text_version if request else CONSENT_TEXT_VERSION,
            language=subscriber.language,
        )
        lifted, _count = Suppression.objects.filter(
            digest=address_digest(subscriber.email)
        ).delete()
        record_event(
            "newsletter.subscription_confirmed",
            object_type="subscriber",
            object_id=subscriber.pk,
            details={"language": subscriber.language, "suppression_lifted": bool(lifted)},
        )
    return subscriber


def _suppress(email: str, reason: str) -> None:
    Suppression.objects.get_or_create(digest=address_digest(email), defaults={"reason": reason})


def unsubscribe(*, token: str, form: str) -> bool:
    """Unsubscribe the owner of ``token``; False for an unknown token (answered alike)."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(unsubscribe_token=token).first()
            if token
            else None
        )
        if subscriber is None:
            return False
        _suppress(subscriber.email, Suppression.Reason.UNSUBSCRIBED)
        if subscriber.status in (Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING):
            subscriber.status = Subscriber.Status.UNSUBSCRIBED
            subscriber.left_at = timezone.now()
            subscriber.save(update_fields=["status", "left_at"])
            Consent.objects.create(
                subscriber=subscriber,
                event=Consent.Event.WITHDRAWN,
                form=form,
                language=subscriber.language,
            )
            record_event(
                "newsletter.unsubscribed",
                object_type="subscriber",
                object_id=subscriber.pk,
                details={"form": form},
            )
    return True


def bounce(*, email: str, status: str) -> bool:
    """A hard bounce: the address is suppressed for every mail; True when it was a subscriber."""
    with transaction.atomic():
        mail_suppress(email=email, reason="bounce", details=f"DSN {status}"[:255])
        _suppress(email, Suppression.Reason.BOUNCED)
        subscriber = (
            Subscriber.objects.select_for_update().filter(email=normalise_address(email)).first()
        )
        if subscriber is None:
            return False
        if subscriber.status != Subscriber.Status.BOUNCED:
            subscriber.status = Subscriber.Status.BOUNCED
            subscriber.left_at = subscriber.left_at or timezone.now()
            subscriber.save(update_fields=["status", "left_at"])
            record_event(
                "newsletter.bounced",
                object_type="subscriber",
                object_id=subscriber.pk,
                details={"status": status[:16]},
            )
    return True


def subscriber_erase(*, actor: User, subscriber: Subscriber) -> None:
    """Erase a person on request: their row, consents and mails go; a digest keeps them
    from being mailed again (unless they subscribe and confirm anew)."""
    _check_editor(actor)
    with transaction.atomic():
        _suppress(subscriber.email, Suppression.Reason.ERASED)
        mails = mail_forget(email=subscriber.email)
        pk = subscriber.pk
        subscriber.delete()
        record_event(
            "newsletter.subscriber_erased",
            actor=actor,
            object_type="subscriber",
            object_id=pk,
            details={"mails_erased": mails},
        )


@dataclass(frozen=True)
class ImportResult:
    added: int
    already: int
    suppressed: tuple[str, ...]  # addresses refused because they left or bounce


def subscribers_import(
    *, actor: User | None, rows: Iterable[tuple[str, str]], form: str, text_version: str
) -> ImportResult:
    """Add confirmed subscribers from another list (``(email, language)`` rows, consent given
    there under ``text_version``). Addresses that left or bounce are never added: they are
    listed in the result for the person importing to see."""
    added = already = 0
    refused: list[str] = []
    with transaction.atomic():
        for email, language in rows:
            address = normalise_address(email)
            if language not in LANGUAGE_CODES:
                raise ValidationError(
                    _("%(email)s: the language must be fr, nl or en.") % {"email": address}
                )
            if is_newsletter_suppressed(address):
                refused.append(address)
                continue
            if Subscriber.objects.filter(email=address).exists():
                already += 1
                continue
            now = timezone.now()
            subscriber = Subscriber.objects.create(
                email=address,
                language=language,
                status=Subscriber.Status.CONFIRMED,
                confirmed_at=now,
                confirm_nonce=secrets.token_hex(16),
                unsubscribe_token=secrets.token_urlsafe(32),
            )
            Consent.objects.create(
                subscriber=subscriber,
                event=Consent.Event.CONFIRMED,
                at=now,
                form=form,
                text_version=text_version,
                language=language,
            )
            added += 1
        record_event(
            "newsletter.subscribers_imported",
            actor=actor,
            object_type="newsletter",
            details={"added": added, "already": already, "suppressed": len(refused)},
        )
    return ImportResult(added=added, already=already, suppressed=tuple(refused))


# --- Issues ---


def issue_create(*, actor: User, language: str, subject: str, body: str) -> Issue:
    _check_editor(actor)
    with transaction.atomic():
        issue = Issue.objects.create(
            language=language, subject=subject.strip(), body=body, created_by=actor
        )
        record_event(
            "newsletter.issue_created",
            actor=actor,
            object_type="newsletter_issue",
            object_id=issue.pk,
            details={"language": language},
        )
    return issue


def issue_update(*, actor: User, issue: Issue, language: str, subject: str, body: str) -> Issue:
    _check_editor(actor)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status != Issue.Status.DRAFT:
            raise ValidationError(_("An issue that is being sent or was sent cannot change."))
        issue.language, issue.subject, issue.body = language, subject.strip(), body
        issue.updated_at = timezone.now()
        issue.save(update_fields=["language", "subject", "body", "updated_at"])
        record_event(
            "newsletter.issue_updated",
            actor=actor,
            object_type="newsletter_issue",
            object_id=issue.pk,
        )
    return issue


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    text: str
    html: str
    headers: Mapping[str, str]


def render_issue(issue: Issue, *, unsubscribe_url: str) -> RenderedIssue:
    """The mail of ``issue`` for one recipient: HTML and text parts, RFC 8058 headers."""
    with translation.override(issue.language):
        context = {
            "issue": issue,
            "body_html": render_markdown(issue.body),
            "body_text": markdown_to_text(issue.body),
            "unsubscribe_url": unsubscribe_url,
        }
        return RenderedIssue(
            subject=issue.subject,
            text=render_to_string("newsletter/email/issue.txt", context),
            html=render_to_string("newsletter/email/issue.html", context),
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": ONE_CLICK,
            },
        )


def _unsubscribe_url(base_url: str, token: str) -> str:
    return _absolute(base_url, reverse("newsletter:unsubscribe", args=[token]))


def issue_send_test(*, actor: User, issue: Issue, base_url: str) -> None:
    """The issue to the editor alone, marked as a test (its unsubscribe link does nothing)."""
    _check_editor(actor)
    rendered = render_issue(issue, unsubscribe_url=_unsubscribe_url(base_url, "test"))
    with transaction.atomic():
        mail_queue(
            to=actor.email,
            subject=f"[TEST] {rendered.subject}",
            text=rendered.text,
            html=rendered.html,
            headers=rendered.headers,
            purpose="newsletter.test",
        )
        record_event(
            "newsletter.issue_tested",
            actor=actor,
            object_type="newsletter_issue",
            object_id=issue.pk,
        )


def recipients_of(issue: Issue) -> Any:
    return Subscriber.objects.filter(
        language=issue.language, status=Subscriber.Status.CONFIRMED
    ).order_by("pk")


def issue_send(*, actor: User, issue: Issue, base_url: str) -> Job:
    """Start (or resume, after a stopped job) sending ``issue`` to its language's subscribers."""
    _check_editor(actor)
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        running = issue.job is not None and not issue.job.is_finished
        if issue.status == Issue.Status.SENT or running:
            raise ValidationError(_("This issue is already sent or being sent."))
        resumed = issue.status == Issue.Status.SENDING
        issue.status = Issue.Status.SENDING
        issue.send_started_at = issue.send_started_at or timezone.now()
        job = job_enqueue(
            handler=send_issue,
            owner=actor,
            params={"issue": issue.pk, "base_url": base_url},
            total=recipients_of(issue).count(),
            start=False,
        )
        issue.job = job
        issue.save(update_fields=["status", "send_started_at", "job"])
        record_event(
            "newsletter.issue_send_resumed" if resumed else "newsletter.issue_send_started",
            actor=actor,
            object_type="newsletter_issue",
            object_id=issue.pk,
            details={"job": job.pk, "language": issue.language},
        )
    job_start(job.pk)
    return job


@job_handler
def send_issue(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    """Queue one outbox mail per confirmed subscriber, each under its own idempotency key:
    a job stopped midway and started again never queues anyone twice."""
    issue = Issue.objects.get(pk=job.params["issue"])
    base_url = str(job.params["base_url"])
    recipients = list(recipients_of(issue))
    total = len(recipients)
    progress(0, total, stage="queueing")
    for done, subscriber in enumerate(recipients, start=1):
        rendered = render_issue(
            issue, unsubscribe_url=_unsubscribe_url(base_url, subscriber.unsubscribe_token)
        )
        with transaction.atomic():
            mail_queue(
                to=subscriber.email,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                headers=rendered.headers,
                purpose="newsletter.issue",
                key=f"newsletter:{issue.pk}:{subscriber.pk}",
                batch=issue.batch,
            )
        progress(done, total)
    with transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(
            status=Issue.Status.SENT, sent_at=timezone.now(), recipients=total
        )
        record_event(
            "newsletter.issue_sent",
            actor=job.owner,
            object_type="newsletter_issue",
            object_id=issue.pk,
            details={"recipients": total},
        )
    return {"recipients": total}

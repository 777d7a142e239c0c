"""Mails to participants, in the language they registered in, queued in the shared outbox
(``balise.mail``) inside the service's transaction: a mail leaves only if the change commits.

Each mail that must never go twice carries an idempotency key (``training.<kind>.<id>``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balise.mail.services import Attachment, mail_queue
from balise.training.ics import session_calendar
from balise.training.models import Registration
from balise.training.tokens import Purpose, make_token


def absolute(path: str) -> str:
    return settings.BALISE_SITE_URL + path


def confirm_url(registration: Registration) -> str:
    token = make_token(registration, Purpose.CONFIRM)
    return absolute(reverse("training:confirm", args=[token]))


def manage_url(registration: Registration) -> str:
    token = make_token(registration, Purpose.MANAGE)
    return absolute(reverse("training:manage", args=[token]))


def evaluate_url(registration: Registration) -> str:
    token = make_token(registration, Purpose.EVALUATE)
    return absolute(reverse("training:evaluate", args=[token]))


SUBJECTS = {
    "confirm": lambda: _("Confirm your registration: %(course)s"),
    "resend": lambda: _("Your registration: %(course)s"),
    "registered": lambda: _("You are registered: %(course)s"),
    "awaiting_approval": lambda: _("Registration received, awaiting approval: %(course)s"),
    "waitlisted": lambda: _("You are on the waitlist: %(course)s"),
    "offer": lambda: _("A place is free for you: %(course)s"),
    "reminder": lambda: _("Reminder: %(course)s"),
    "evaluation": lambda: _("Your opinion on %(course)s"),
    "refused": lambda: _("Your registration was not accepted: %(course)s"),
    "cancelled": lambda: _("Registration cancelled: %(course)s"),
    "session_cancelled": lambda: _("Session cancelled: %(course)s"),
}
WITH_CALENDAR = frozenset({"registered", "reminder", "session_cancelled"})


def send(
    registration: Registration, kind: str, *, now: datetime | None = None, once: bool = True
) -> None:
    """Queue the ``kind`` mail to this registration (once per kind, unless ``once`` is off)."""
    now = now or timezone.now()
    session = registration.session
    with translation.override(registration.language):
        context: dict[str, Any] = {
            "registration": registration,
            "session": session,
            "course": session.course,
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
            "manage_url": manage_url(registration),
            "kind": kind,
        }
        if kind == "confirm" or (kind == "resend" and registration.status == "pending"):
            context["confirm_url"] = confirm_url(registration)
        if kind == "evaluation":
            context["evaluate_url"] = evaluate_url(registration)
        if registration.offer_expires_at is not None:
            context["offer_expires_at"] = timezone.localtime(registration.offer_expires_at)
        subject = SUBJECTS[kind]() % {"course": session.course.title}
        text = render_to_string(f"training/email/{kind}.txt", context)
        attachments = []
        if kind in WITH_CALENDAR:
            ics = session_calendar(session, personal_url=context["manage_url"], now=now)
            attachments.append(Attachment("training.ics", ics, "text/calendar"))
    mail_queue(
        to=registration.email,
        subject=" ".join(subject.split()),
        text=text,
        attachments=attachments,
        purpose=f"training.{kind}",
        key=f"training.{kind}.{registration.pk}" if once else None,
    )

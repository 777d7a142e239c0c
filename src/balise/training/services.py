"""Writes of trainings: courses and sessions (editors), registrations (the public and editors),
the waitlist, and the clock-driven work (``training_tick``).

Every change to a session's places locks the session row first (``select_for_update`` inside
``transaction.atomic``): confirming, cancelling, promoting and expiring offers are serialised per
session, so the places held never exceed the capacity, whatever arrives at once. Staff actions
are audited in the same transaction (ids only). Mails are queued in the same transaction too.
Functions take ``now`` so that tests drive a fake clock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.taxonomy.loader import vocabulary
from balise.training import emails
from balise.training.models import (
    ACTIVE,
    SEAT_HOLDING,
    Course,
    Evaluation,
    Registration,
    Session,
    Status,
)
from balise.training.privacy import PRIVACY_NOTICE_VERSION


class RegistrationRefused(Exception):
    """A registration step that cannot be done; ``code`` for tests, ``message`` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _locked(session_id: int) -> Session:
    return Session.objects.select_for_update().select_related("course").get(pk=session_id)


def _relock(registration: Registration) -> tuple[Session, Registration]:
    """Lock the registration's session, then re-read the registration under the lock."""
    session = _locked(registration.session_id)
    fresh = Registration.objects.get(pk=registration.pk)
    fresh.session = session
    return session, fresh


def _taken(session: Session) -> int:
    return session.registrations.filter(status__in=SEAT_HOLDING).count()


def _audit(
    action: str,
    registration: Registration | None = None,
    *,
    actor: User | None,
    request: HttpRequest | None,
    session: Session | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    target = registration.session if registration is not None else session
    record_event(
        action,
        request=request,
        actor=actor,
        object_type="registration" if registration is not None else "training_session",
        object_id=registration.pk if registration is not None else (target.pk if target else ""),
        details={"session": target.pk if target else None, **(details or {})},
    )


# --- courses and sessions ------------------------------------------------------------------------

COURSE_FIELDS = (
    "text_language",
    "title",
    "summary",
    "objectives",
    "audience_sectors",
    "duration_hours",
    "languages",
    "trainers",
    "is_archived",
)
SESSION_FIELDS = (
    "course",
    "starts_at",
    "ends_at",
    "language",
    "venue",
    "address",
    "province",
    "online_url",
    "partner",
    "trainer",
    "external_registration_url",
    "capacity",
    "waitlist_enabled",
    "registration_deadline",
    "cancellation_deadline",
    "approval_required",
    "offer_hold_hours",
    "questions",
    "is_published",
)


@transaction.atomic
def course_save(
    *,
    actor: User,
    values: Mapping[str, Any],
    course: Course | None = None,
    request: HttpRequest | None = None,
) -> Course:
    """Create a course, or change ``course``; values are a form's cleaned data."""
    creating = course is None
    course = course or Course()
    for name in COURSE_FIELDS:
        if name in values:
            setattr(course, name, values[name])
    course.full_clean()
    course.save()
    record_event(
        "training.course_created" if creating else "training.course_changed",
        request=request,
        actor=actor,
        object_type="course",
        object_id=course.pk,
    )
    return course


@transaction.atomic
def session_save(
    *,
    actor: User,
    values: Mapping[str, Any],
    session: Session | None = None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Session:
    """Create a session, or change one; more places offer them to the waitlist at once."""
    creating = session is None
    session = _locked(session.pk) if session is not None else Session()
    for name in SESSION_FIELDS:
        if name in values:
            setattr(session, name, values[name])
    session.full_clean()
    taken = 0 if creating else _taken(session)
    if session.capacity < taken:
        raise ValidationError(
            {
                "capacity": _("%(taken)s places are already taken: the capacity cannot be lower.")
                % {"taken": taken}
            }
        )
    session.save()
    record_event(
        "training.session_created" if creating else "training.session_changed",
        request=request,
        actor=actor,
        object_type="training_session",
        object_id=session.pk,
        details={"course": session.course_id, "capacity": session.capacity},
    )
    if not creating:
        _promote(session, _now(now))
    return session


@transaction.atomic
def session_cancel(
    *,
    actor: User,
    session: Session,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> int:
    """Cancel a session and tell everyone registered or waiting; returns how many were told."""
    now = _now(now)
    session = _locked(session.pk)
    if session.cancelled_at is not None:
        return 0
    session.cancelled_at = now
    session.save(update_fields=["cancelled_at"])
    told = 0
    for registration in session.registrations.filter(status__in=ACTIVE).exclude(
        status=Status.PENDING
    ):
        registration.session = session
        emails.send(registration, "session_cancelled", now=now)
        told += 1
    _audit("training.session_cancelled", actor=actor, request=request, session=session)
    return told


# --- registration by the public ------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationInput:
    full_name: str
    email: str
    language: str
    consent: bool
    organisation: str = ""
    sector: str = ""
    study: str = ""
    function: str = ""
    answers: Sequence[str] = ()


@dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    duplicate: bool  # the address was already registered: its link was sent again


def _check_open(session: Session, now: datetime) -> None:
    if not session.is_published or session.cancelled_at is not None:
        raise RegistrationRefused("closed", _("This session is not open for registration."))
    if session.is_external:
        raise RegistrationRefused(
            "external", _("Registration for this session is on the partner's page.")
        )
    if now >= session.registration_deadline or now >= session.starts_at:
        raise RegistrationRefused("closed", _("Registration for this session is closed."))


def _check_input(session: Session, data: RegistrationInput) -> None:
    if not data.consent:
        raise RegistrationRefused(
            "consent", _("Please accept the privacy notice to register (tick the box).")
        )
    if not data.full_name.strip() or not data.email.strip():
        raise RegistrationRefused("missing", _("Your name and email address are needed."))
    if data.sector and data.sector not in vocabulary("sectors").codes():
        raise RegistrationRefused("sector", _("Choose a sector from the list."))
    if len(data.answers) != len(session.questions) or any(not a.strip() for a in data.answers):
        raise RegistrationRefused("answers", _("Please answer every question of the session."))
    if data.language not in {code for code, _name in settings.LANGUAGES}:
        raise RegistrationRefused("language", _("Unknown language."))


@transaction.atomic
def registration_create(
    *, session: Session, data: RegistrationInput, now: datetime | None = None
) -> RegistrationOutcome:
    """Record a registration awaiting email confirmation, and mail the confirmation link.

    The same address twice for one session makes no second row: the first one's link is sent
    again. A place is taken only at confirmation (``registration_confirm``).
    """
    now = _now(now)
    session = _locked(session.pk)
    _check_open(session, now)
    _check_input(session, data)
    email = data.email.strip()
    existing = (
        session.registrations.filter(email__iexact=email, status__in=ACTIVE).order_by("pk").first()
    )
    if existing is not None:
        existing.session = session
        emails.send(existing, "resend", now=now, once=False)
        return RegistrationOutcome(existing, duplicate=True)
    if not session.waitlist_enabled and _taken(session) >= session.capacity:
        raise RegistrationRefused("full", _("This session is full and has no waitlist."))
    registration = Registration.objects.create(
        session=session,
        full_name=data.full_name.strip(),
        email=email,
        organisation=data.organisation.strip(),
        sector=data.sector,
        study=data.study.strip(),
        function=data.function.strip(),
        answers=[a.strip() for a in data.answers],
        language=data.language,
        consent_version=PRIVACY_NOTICE_VERSION,
        consented_at=now,
        status=Status.PENDING,
        created_at=now,
    )
    emails.send(registration, "confirm", now=now)
    return RegistrationOutcome(registration, duplicate=False)


@transaction.atomic
def registration_confirm(
    *, registration: Registration, now: datetime | None = None
) -> Registration:
    """Confirm the address: take a place (or wait for approval on one), else join the waitlist.

    Each confirmation takes the session's next arrival number under the row lock: the waitlist
    is in the order people confirmed. Confirming twice changes nothing.
    """
    now = _now(now)
    session, registration = _relock(registration)
    if registration.status != Status.PENDING:
        return registration
    if session.cancelled_at is not None or now >= session.starts_at:
        raise RegistrationRefused("closed", _("Registration for this session is closed."))
    free = _taken(session) < session.capacity
    waiting = session.registrations.filter(status=Status.WAITLISTED).exists()
    if free and not waiting:
        status = Status.AWAITING_APPROVAL if session.approval_required else Status.REGISTERED
    elif session.waitlist_enabled:
        status = Status.WAITLISTED
    else:
        raise RegistrationRefused("full", _("This session is full and has no waitlist."))
    session.arrivals += 1
    session.save(update_fields=["arrivals"])
    registration.arrival = session.arrivals
    registration.status = status
    registration.confirmed_at = now
    registration.save(update_fields=["arrival", "status", "confirmed_at"])
    emails.send(registration, str(status), now=now)
    return registration


@transaction.atomic
def registration_cancel_own(
    *, registration: Registration, now: datetime | None = None
) -> Registration:
    """The person cancels (a place, before the cancellation deadline) or leaves the waitlist."""
    now = _now(now)
    session, registration = _relock(registration)
    if registration.status == Status.WAITLISTED or registration.status == Status.PENDING:
        if now >= session.starts_at:
            raise RegistrationRefused("past", _("This session has already started."))
    elif registration.status in (Status.REGISTERED, Status.AWAITING_APPROVAL):
        if now >= session.cancellation_deadline:
            raise RegistrationRefused(
                "deadline",
                _(
                    "The cancellation deadline has passed; please write to the organisers if "
                    "you cannot come."
                ),
            )
    else:
        raise RegistrationRefused("state", _("This registration cannot be cancelled any more."))
    _end(registration, Status.CANCELLED, now)
    return registration


@transaction.atomic
def offer_accept(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Take the offered place while the offer holds."""
    now = _now(now)
    session, registration = _relock(registration)
    if registration.status != Status.OFFERED:
        raise RegistrationRefused("no_offer", _("No place is offered to you at the moment."))
    if registration.offer_expires_at is None or now >= registration.offer_expires_at:
        raise RegistrationRefused(
            "offer_expired", _("This offer has expired; the place went to the next person.")
        )
    registration.status = (
        Status.AWAITING_APPROVAL if session.approval_required else Status.REGISTERED
    )
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at"])
    emails.send(registration, str(registration.status), now=now)
    return registration


@transaction.atomic
def offer_decline(*, registration: Registration, now: datetime | None = None) -> Registration:
    """ "No longer interested": the offered place goes to the next person."""
    now = _now(now)
    _session, registration = _relock(registration)
    if registration.status != Status.OFFERED:
        raise RegistrationRefused("no_offer", _("No place is offered to you at the moment."))
    _end(registration, Status.DECLINED, now)
    return registration


def _end(registration: Registration, status: Status, now: datetime) -> None:
    """Close a registration (session locked by the caller); a freed place goes on."""
    held = registration.holds_seat
    registration.status = status
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at"])
    if held:
        _promote(registration.session, now)


def _promote(session: Session, now: datetime) -> int:
    """Offer each free place to the next person on the waitlist (session locked by the
    caller); the offer holds ``offer_hold_hours``, never beyond the session's start."""
    if session.cancelled_at is not None or now >= session.starts_at:
        return 0
    free = session.capacity - _taken(session)
    if free <= 0:
        return 0
    offered = 0
    for registration in session.registrations.filter(status=Status.WAITLISTED).order_by(
        "arrival", "pk"
    )[:free]:
        registration.session = session
        registration.status = Status.OFFERED
        registration.offer_expires_at = min(now + session.offer_hold(), session.starts_at)
        registration.save(update_fields=["status", "offer_expires_at"])
        emails.send(registration, "offer", now=now, once=False)
        offered += 1
    return offered


# --- editors' actions on registrations -----------------------------------------------------------

# Consent of people an editor adds from a partner's list: collected by the partner, not Balise.
PARTNER_CONSENT = "partner"


@transaction.atomic
def registration_add_by_staff(
    *,
    actor: User,
    session: Session,
    data: RegistrationInput,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Registration:
    """An editor adds a participant from a partner's list (sessions whose registration runs on
    the partner's page, or people who registered by phone): registered at once, or marked
    present once the session has started. A place is needed unless the partner runs the
    registration; the same address twice is refused. Audited; no mail is sent."""
    now = _now(now)
    session = _locked(session.pk)
    if session.cancelled_at is not None:
        raise RegistrationRefused("closed", _("This session is cancelled."))
    email = data.email.strip()
    if session.registrations.filter(email__iexact=email, status__in=ACTIVE).exists():
        raise RegistrationRefused("duplicate", _("This address is already registered."))
    if data.sector and data.sector not in vocabulary("sectors").codes():
        raise RegistrationRefused("sector", _("Choose a sector from the list."))
    if not session.is_external and _taken(session) >= session.capacity:
        raise RegistrationRefused("full", _("This session is full."))
    session.arrivals += 1
    session.save(update_fields=["arrivals"])
    registration = Registration.objects.create(
        session=session,
        full_name=data.full_name.strip(),
        email=email,
        organisation=data.organisation.strip(),
        sector=data.sector,
        study=data.study.strip(),
        function=data.function.strip(),
        language=data.language,
        consent_version=PARTNER_CONSENT,
        consented_at=now,
        status=Status.ATTENDED if now >= session.starts_at else Status.REGISTERED,
        arrival=session.arrivals,
        created_at=now,
        confirmed_at=now,
    )
    _audit(
        "training.registration_added",
        registration,
        actor=actor,
        request=request,
        details={"to": str(registration.status)},
    )
    return registration


TRANSITIONS: dict[str, tuple[tuple[str, ...], Status]] = {
    # action: (statuses it applies to, status it gives)
    "approve": ((Status.AWAITING_APPROVAL,), Status.REGISTERED),
    "refuse": ((Status.AWAITING_APPROVAL,), Status.DECLINED),
    "cancel": (
        (
            Status.PENDING,
            Status.AWAITING_APPROVAL,
            Status.REGISTERED,
            Status.WAITLISTED,
            Status.OFFERED,
        ),
        Status.CANCELLED,
    ),
    "attended": ((Status.REGISTERED, Status.NO_SHOW), Status.ATTENDED),
    "no_show": ((Status.REGISTERED, Status.ATTENDED), Status.NO_SHOW),
    "unmark": ((Status.ATTENDED, Status.NO_SHOW), Status.REGISTERED),
}
MAILS = {"approve": "registered", "refuse": "refused", "cancel": "cancelled"}


@transaction.atomic
def registration_staff_action(
    *,
    actor: User,
    registration: Registration,
    action: str,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Registration:
    """An editor approves, refuses, cancels, or marks attendance; audited, mailed when it
    changes something for the person, and a freed place goes to the waitlist."""
    now = _now(now)
    if action not in TRANSITIONS:
        raise RegistrationRefused("action", _("Unknown action."))
    session, registration = _relock(registration)
    allowed, target = TRANSITIONS[action]
    if registration.status not in allowed:
        raise RegistrationRefused(
            "state", _("This action does not apply to a registration in this state.")
        )
    marking = action in {"attended", "no_show", "unmark"}
    if marking and timezone.localdate(now) < timezone.localdate(session.starts_at):
        raise RegistrationRefused(
            "early", _("Attendance can be marked from the day of the session.")
        )
    before = registration.status
    if action in {"refuse", "cancel"}:
        _end(registration, target, now)
    else:
        registration.status = target
        registration.save(update_fields=["status"])
    if action in MAILS:
        emails.send(registration, MAILS[action], now=now)
    _audit(
        f"training.registration_{action}",
        registration,
        actor=actor,
        request=request,
        details={"from": str(before), "to": str(target)},
    )
    return registration


# --- evaluations ---------------------------------------------------------------------------------


@transaction.atomic
def evaluation_submit(
    *, registration: Registration, scores: Mapping[str, int], comments: str
) -> Evaluation:
    """One evaluation per participant who attended; a second one is refused."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.ATTENDED:
        raise RegistrationRefused("state", _("Only participants can evaluate the session."))
    if Evaluation.objects.filter(registration=registration).exists():
        raise RegistrationRefused("done", _("You have already sent your evaluation. Thank you!"))
    low, high = Evaluation.SCALE
    values = {name: int(scores[name]) for name in Evaluation.SCORES}
    if any(not low <= v <= high for v in values.values()):
        raise RegistrationRefused("scale", _("Each score goes from 1 to 5."))
    return Evaluation.objects.create(registration=registration, comments=comments.strip(), **values)


# --- the clock: offers that expire, reminders, evaluation mails ----------------------------------


@dataclass
class TickReport:
    offers_expired: int = 0
    reminders: int = 0
    evaluations: int = 0
    sessions: list[int] = field(default_factory=list)


def training_tick(*, now: datetime | None = None) -> TickReport:
    """What the clock brings; safe to run often (every mail has a key, every step a state).

    - offers whose hold ended: declined (audited), the place offered to the next person;
    - reminders ``BALISE_TRAINING_REMINDER_HOURS`` before a session to those registered;
    - the evaluation link to those who attended, once the session has ended (within 30 days).
    """
    now = _now(now)
    report = TickReport()
    expired_sessions = sorted(
        set(
            Registration.objects.filter(
                status=Status.OFFERED, offer_expires_at__lte=now
            ).values_list("session_id", flat=True)
        )
    )
    for session_id in expired_sessions:
        with transaction.atomic():
            session = _locked(session_id)
            for registration in session.registrations.filter(
                status=Status.OFFERED, offer_expires_at__lte=now
            ).order_by("arrival", "pk"):
                registration.session = session
                _end(registration, Status.DECLINED, now)
                _audit("training.offer_expired", registration, actor=None, request=None)
                report.offers_expired += 1
            report.sessions.append(session_id)
    horizon = now + timedelta(hours=settings.BALISE_TRAINING_REMINDER_HOURS)
    due = Registration.objects.filter(
        status=Status.REGISTERED,
        reminder_sent_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=horizon,
        session__cancelled_at__isnull=True,
    ).select_related("session__course")
    for registration in due.order_by("pk"):
        with transaction.atomic():
            emails.send(registration, "reminder", now=now)
            Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=now)
            report.reminders += 1
    ended = Registration.objects.filter(
        status=Status.ATTENDED,
        evaluation_sent_at__isnull=True,
        session__ends_at__lte=now,
        session__ends_at__gt=now - timedelta(days=30),
    ).select_related("session__course")
    for registration in ended.order_by("pk"):
        with transaction.atomic():
            emails.send(registration, "evaluation", now=now)
            Registration.objects.filter(pk=registration.pk).update(evaluation_sent_at=now)
            report.evaluations += 1
    return report


_last_tick: list[float] = []


def run_tick() -> None:
    """The jobs runner's periodic entry point (``BALISE_JOBS_PERIODIC``), called at every poll:
    the tick itself runs at most once a minute per process."""
    moment = time.monotonic()
    if _last_tick and moment - _last_tick[-1] < 60:
        return
    _last_tick[:] = [moment]
    training_tick()


# --- personal data: export, erasure, retention ---------------------------------------------------

ERASED_FIELDS: dict[str, Any] = {
    "full_name": "",
    "email": "",
    "organisation": "",
    "study": "",
    "function": "",
    "answers": [],
}


def _erase(registrations: Any, now: datetime) -> list[int]:
    ids = sorted(registrations.values_list("pk", flat=True))
    Registration.objects.filter(pk__in=ids).update(erased_at=now, **ERASED_FIELDS)
    Evaluation.objects.filter(registration_id__in=ids).update(comments="")
    return ids


def person_export(*, actor: User, email: str, request: HttpRequest | None = None) -> str:
    """Everything Balise holds on the person with this address, as JSON (audited)."""
    from balise.training.selectors import registrations_of_person

    rows = []
    for registration in registrations_of_person(email):
        session = registration.session
        evaluation = Evaluation.objects.filter(registration=registration).first()
        rows.append(
            {
                "course": session.course.title,
                "session_starts_at": session.starts_at.isoformat(),
                "full_name": registration.full_name,
                "email": registration.email,
                "organisation": registration.organisation,
                "sector": registration.sector,
                "course_of_study": registration.study,
                "function": registration.function,
                "answers": dict(zip(session.questions, registration.answers, strict=False)),
                "language": registration.language,
                "status": registration.status,
                "registered_at": registration.created_at.isoformat(),
                "confirmed_at": registration.confirmed_at.isoformat()
                if registration.confirmed_at
                else None,
                "consent": {
                    "privacy_notice_version": registration.consent_version,
                    "given_at": registration.consented_at.isoformat(),
                },
                "evaluation": {
                    **{name: getattr(evaluation, name) for name in Evaluation.SCORES},
                    "comments": evaluation.comments,
                }
                if evaluation
                else None,
            }
        )
    with transaction.atomic():
        record_event(
            "training.person_exported",
            request=request,
            actor=actor,
            object_type="registration",
            details={"registrations": [r.pk for r in registrations_of_person(email)]},
        )
    return json.dumps({"registrations": rows}, ensure_ascii=False, indent=2)


@transaction.atomic
def person_erase(
    *, actor: User, email: str, request: HttpRequest | None = None, now: datetime | None = None
) -> int:
    """Erase a person's data from every registration (on their request); the anonymous rows
    stay for the figures. Places they held are freed and offered on. Audited (ids only)."""
    from balise.training.selectors import registrations_of_person

    now = _now(now)
    found = list(registrations_of_person(email).filter(erased_at__isnull=True))
    for registration in found:
        if registration.status in ACTIVE and registration.status not in (
            Status.ATTENDED,
            Status.NO_SHOW,
        ):
            _session, fresh = _relock(registration)
            _end(fresh, Status.CANCELLED, now)
    ids = _erase(Registration.objects.filter(pk__in=[r.pk for r in found]), now)
    record_event(
        "training.person_erased",
        request=request,
        actor=actor,
        object_type="registration",
        details={"registrations": ids},
    )
    return len(ids)


@dataclass(frozen=True)
class PurgeResult:
    cutoff: date
    months: int
    registrations: list[int]
    dry_run: bool


def retention_cutoff(*, today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, 1)


@transaction.atomic
def trainings_purge(
    *, now: datetime | None = None, months: int | None = None, dry_run: bool = False
) -> PurgeResult:
    """Erase participants' data of sessions that ended before the retention cutoff (the first
    day of the month ``months`` ago); one ``training.purge`` audit event with the ids."""
    now = _now(now)
    months = settings.BALISE_TRAINING_RETENTION_MONTHS if months is None else months
    cutoff = retention_cutoff(today=timezone.localdate(now), months=months)
    zone = timezone.get_default_timezone()
    limit = datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=zone)
    expired = Registration.objects.filter(session__ends_at__lt=limit, erased_at__isnull=True)
    ids = sorted(expired.values_list("pk", flat=True))
    if dry_run or not ids:
        return PurgeResult(cutoff, months, ids, dry_run)
    _erase(expired, now)
    record_event(
        "training.purge",
        object_type="registration",
        details={
            "retention_months": months,
            "cutoff": cutoff.isoformat(),
            "count": len(ids),
            "registrations": ids,
        },
    )
    return PurgeResult(cutoff, months, ids, dry_run)

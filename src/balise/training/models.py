"""Courses, their sessions, the people who register, and their evaluations.

A course is written once, in the language its editor chooses (``text_language``); each session
is given in one language. A session's seats are held by registrations in ``SEAT_HOLDING``
statuses; every change of status goes through ``balise.training.services``, which locks the
session row first.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Final

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES: Final = [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]


def _new_secret() -> str:
    return secrets.token_hex(16)


class Course(models.Model):
    # The title, summary and objectives are written once, in this language: pages mark them with
    # it (lang=...) so that screen readers read them right whatever the interface language.
    text_language = models.CharField(
        _("language of the text"), max_length=2, choices=LANGUAGE_CHOICES, default="fr"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=4000)
    objectives = models.TextField(_("objectives"), max_length=4000, blank=True)
    # Codes of the data dictionary's ``sectors`` vocabulary (taxonomy).
    audience_sectors = models.JSONField(_("audience sectors"), default=list, blank=True)
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(99)],
    )
    languages = models.JSONField(_("languages"), default=list)
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title


class SessionQuerySet(models.QuerySet["Session"]):
    def upcoming(self, now: object = None) -> SessionQuerySet:
        """Published, not cancelled sessions that have not started yet."""
        return self.filter(
            is_published=True, cancelled_at__isnull=True, starts_at__gt=now or timezone.now()
        )


class Session(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # NIS code of a province (or the Brussels-Capital Region) from the data dictionary.
    province = models.CharField(_("province"), max_length=5, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    partner = models.CharField(_("partner organisation"), max_length=200, blank=True)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    external_registration_url = models.URLField(
        _("external registration page"),
        blank=True,
        help_text=_("When set, people register on the partner's page instead of here."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    waitlist_enabled = models.BooleanField(_("waitlist when full"), default=True)
    registration_deadline = models.DateTimeField(_("registration deadline"))
    cancellation_deadline = models.DateTimeField(_("cancellation deadline"))
    approval_required = models.BooleanField(_("registrations need approval"), default=False)
    offer_hold_hours = models.PositiveIntegerField(
        _("hours a freed place is held"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    # Extra questions asked at registration, one per line; every one must be answered.
    questions = models.JSONField(_("extra questions"), default=list, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Arrival counter: each confirmed registration takes the next number under the row lock, so
    # the waitlist order is the order in which people confirmed, never a clock's tie-break.
    arrivals = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course.title} ({timezone.localtime(self.starts_at):%Y-%m-%d})"

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.address

    @property
    def is_external(self) -> bool:
        return bool(self.external_registration_url)

    def offer_hold(self) -> timedelta:
        return timedelta(hours=self.offer_hold_hours)


class Status(models.TextChoices):
    PENDING = "pending", _("Awaiting email confirmation")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waitlist")
    OFFERED = "offered", _("Place offered")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Declined")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")


# Statuses that hold one of the session's places.
SEAT_HOLDING: Final = (
    Status.AWAITING_APPROVAL,
    Status.REGISTERED,
    Status.OFFERED,
    Status.ATTENDED,
    Status.NO_SHOW,
)
# Statuses in which the same email cannot register again for the session.
ACTIVE: Final = (*SEAT_HOLDING, Status.PENDING, Status.WAITLISTED)


class Registration(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="registrations"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=32, blank=True)
    study = models.CharField(_("course of study"), max_length=200, blank=True)
    function = models.CharField(_("function"), max_length=200, blank=True)
    answers = models.JSONField(_("answers"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    consent_version = models.CharField(_("privacy notice version"), max_length=16)
    consented_at = models.DateTimeField(_("consented at"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    arrival = models.PositiveIntegerField(_("arrival"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    evaluation_sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the person's data was erased (on request or by the retention purge): names,
    # contact details, free answers are blanked; status, sector and session stay for the figures.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    # Bound into every signed link: a link stops working when the registration is erased.
    secret = models.CharField(max_length=32, default=_new_secret, editable=False)

    class Meta:
        ordering = ["session", "arrival", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["session", "status"]), models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"registration {self.pk}"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING


class Evaluation(models.Model):
    """One participant's answers to the evaluation form (scales 1-5 and free text)."""

    SCALE: Final = (1, 5)

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="evaluation"
    )
    overall = models.PositiveSmallIntegerField(
        _("overall"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    content = models.PositiveSmallIntegerField(
        _("content"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    trainer = models.PositiveSmallIntegerField(
        _("trainer"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness for my work"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(_("comments"), max_length=4000, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    SCORES: Final = ("overall", "content", "trainer", "usefulness")

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"evaluation {self.pk}"

    @property
    def mean(self) -> float:
        return sum(int(getattr(self, name)) for name in self.SCORES) / len(self.SCORES)


__all__ = ["ACTIVE", "SEAT_HOLDING", "Course", "Evaluation", "Registration", "Session", "Status"]

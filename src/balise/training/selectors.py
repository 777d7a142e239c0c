"""Reads of trainings: the public list of upcoming sessions, seat counts, the editors' lists and
the figures the activity report reads (``training_figures``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from statistics import fmean

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balise.taxonomy.loader import DictionaryError, vocabulary
from balise.training.models import (
    LANGUAGE_CHOICES,
    SEAT_HOLDING,
    Course,
    Evaluation,
    Registration,
    Session,
    Status,
)

BRUSSELS = "04000"


def province_choices() -> list[tuple[str, str]]:
    """The provinces and the Brussels-Capital Region, from the data dictionary's geography."""
    geography = vocabulary("geography")
    return [
        (code, label)
        for code, label in geography.choices()
        if geography.entry(code).level == "province" or code == BRUSSELS
    ]


def sector_choices() -> list[tuple[str, str]]:
    return vocabulary("sectors").choices()


def sector_label(code: str) -> str:
    try:
        return vocabulary("sectors").label(code)
    except DictionaryError:
        return code


def province_label(code: str) -> str:
    try:
        return vocabulary("geography").label(code)
    except DictionaryError:
        return code


def language_label(code: str) -> str:
    return str(dict(LANGUAGE_CHOICES).get(code, code))


# --- sessions ------------------------------------------------------------------------------------


def with_seats(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate ``taken`` (places held) and ``waiting`` (people on the waitlist)."""
    return sessions.annotate(
        taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)),
        waiting=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED)),
    )


@dataclass(frozen=True)
class SessionFilters:
    language: str = ""
    sector: str = ""
    province: str = ""
    mode: str = ""  # "online", "in_person" or ""


def upcoming_sessions(filters: SessionFilters, *, now: datetime | None = None) -> list[Session]:
    """Published sessions that have not started, soonest first, with seat counts."""
    sessions = Session.objects.upcoming(now).select_related("course")
    if filters.language:
        sessions = sessions.filter(language=filters.language)
    if filters.province:
        sessions = sessions.filter(province=filters.province)
    if filters.mode == "online":
        sessions = sessions.exclude(online_url="").filter(address="")
    elif filters.mode == "in_person":
        sessions = sessions.exclude(address="")
    found = list(with_seats(sessions).order_by("starts_at", "pk"))
    if filters.sector:  # a JSON list: filtered here, the same way on SQLite and PostgreSQL
        found = [s for s in found if filters.sector in s.course.audience_sectors]
    return found


def public_session_or_404(pk: int) -> Session:
    """A published session, with seat counts; cancelled ones stay visible (they say so)."""
    try:
        return with_seats(Session.objects.filter(is_published=True).select_related("course")).get(
            pk=pk
        )
    except Session.DoesNotExist:
        raise Http404 from None


def session_or_404(pk: int) -> Session:
    try:
        return with_seats(Session.objects.select_related("course")).get(pk=pk)
    except Session.DoesNotExist:
        raise Http404 from None


def course_or_404(pk: int) -> Course:
    try:
        return Course.objects.get(pk=pk)
    except Course.DoesNotExist:
        raise Http404 from None


def courses_for_editors() -> QuerySet[Course]:
    return Course.objects.annotate(session_count=Count("sessions")).order_by("is_archived", "title")


def registrations_of(session: Session) -> QuerySet[Registration]:
    """A session's registrations: places first, then the waitlist in order, then the rest."""
    return session.registrations.order_by("status", "arrival", "pk")


def seats_taken(session: Session) -> int:
    return session.registrations.filter(status__in=SEAT_HOLDING).count()


def waitlist(session: Session) -> QuerySet[Registration]:
    return session.registrations.filter(status=Status.WAITLISTED).order_by("arrival", "pk")


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Status.WAITLISTED or registration.arrival is None:
        return None
    ahead = registration.session.registrations.filter(
        status=Status.WAITLISTED, arrival__lt=registration.arrival
    ).count()
    return ahead + 1


def registrations_of_person(email: str) -> QuerySet[Registration]:
    """Every registration made with this email (any case), for an export or erasure request."""
    return (
        Registration.objects.filter(email__iexact=email.strip())
        .select_related("session__course")
        .order_by("created_at", "pk")
    )


# --- evaluations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreSummary:
    name: str
    label: str
    mean: float | None
    counts: tuple[int, ...]  # how many answered 1, 2, 3, 4, 5


@dataclass(frozen=True)
class EvaluationResults:
    responses: int
    attended: int
    scores: tuple[ScoreSummary, ...]
    comments: tuple[str, ...]


SCORE_LABELS = {
    "overall": gettext_lazy("Overall"),
    "content": gettext_lazy("Content"),
    "trainer": gettext_lazy("Trainer"),
    "usefulness": gettext_lazy("Usefulness for my work"),
}


def _score_label(name: str) -> str:
    return str(SCORE_LABELS[name])


def evaluation_results(evaluations: Iterable[Evaluation], *, attended: int) -> EvaluationResults:
    rows = list(evaluations)
    low, high = Evaluation.SCALE
    scores = []
    for name in Evaluation.SCORES:
        values = [int(getattr(e, name)) for e in rows]
        counter = Counter(values)
        scores.append(
            ScoreSummary(
                name=name,
                label=_score_label(name),
                mean=round(fmean(values), 2) if values else None,
                counts=tuple(counter.get(v, 0) for v in range(low, high + 1)),
            )
        )
    comments = tuple(e.comments for e in rows if e.comments.strip())
    return EvaluationResults(
        responses=len(rows), attended=attended, scores=tuple(scores), comments=comments
    )


def session_evaluation_results(session: Session) -> EvaluationResults:
    evaluations = Evaluation.objects.filter(registration__session=session).order_by("pk")
    attended = session.registrations.filter(status=Status.ATTENDED).count()
    return evaluation_results(evaluations, attended=attended)


def course_evaluation_results(course: Course) -> EvaluationResults:
    evaluations = Evaluation.objects.filter(registration__session__course=course).order_by("pk")
    attended = Registration.objects.filter(session__course=course, status=Status.ATTENDED).count()
    return evaluation_results(evaluations, attended=attended)


# --- figures for the activity report -------------------------------------------------------------


@dataclass(frozen=True)
class TrainingFigures:
    """Trainings given in a period (``start``..``end`` inclusive, Brussels dates).

    - ``sessions_given``: sessions that started in the period, were not cancelled and have ended;
    - ``participants_attended``: registrations marked attended in those sessions;
    - ``by_sector``, ``by_province``, ``by_language``: attended participants as (label, count),
      largest first then by label; labels in the active language (students without a sector
      count as "Students", online sessions as "Online");
    - ``attendance_rate``: attended / (attended + no-show), None when nobody was marked;
    - ``evaluation_mean``: mean of the evaluations' mean scores, on the form's 1-5 scale, None
      without evaluations;
    - ``by_year``: (year, sessions, participants) for each year of the period with sessions.
    """

    start: date
    end: date
    sessions_given: int
    participants_attended: int
    by_sector: list[tuple[str, int]]
    by_province: list[tuple[str, int]]
    by_language: list[tuple[str, int]]
    attendance_rate: float | None
    evaluation_mean: float | None
    by_year: list[tuple[int, int, int]]


def _sorted_counts(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), zone),
        timezone.make_aware(datetime.combine(end, time.max), zone),
    )


def training_figures(*, start: date, end: date) -> TrainingFigures:
    """The figures of trainings given between ``start`` and ``end`` (inclusive)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    low, high = _bounds(start, end)
    sessions = list(
        Session.objects.filter(
            starts_at__gte=low,
            starts_at__lte=high,
            cancelled_at__isnull=True,
            ends_at__lte=timezone.now(),
        ).order_by("starts_at", "pk")
    )
    ids = [s.pk for s in sessions]
    attended = list(
        Registration.objects.filter(session_id__in=ids, status=Status.ATTENDED).values_list(
            "session_id", "sector", "study"
        )
    )
    no_show = Registration.objects.filter(session_id__in=ids, status=Status.NO_SHOW).count()
    by_id = {s.pk: s for s in sessions}
    sectors: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    per_year: dict[int, list[int]] = {}
    for session in sessions:
        year = timezone.localtime(session.starts_at).year
        per_year.setdefault(year, [0, 0])[0] += 1
    for session_id, sector, study in attended:
        session = by_id[session_id]
        if sector:
            sectors[sector_label(sector)] += 1
        else:
            sectors[_("Students") if study else _("Not given")] += 1
        if session.is_online:
            provinces[_("Online")] += 1
        else:
            provinces[province_label(session.province) if session.province else _("Not given")] += 1
        languages[language_label(session.language)] += 1
        per_year[timezone.localtime(session.starts_at).year][1] += 1
    means = [
        e.mean for e in Evaluation.objects.filter(registration__session_id__in=ids).order_by("pk")
    ]
    marked = len(attended) + no_show
    return TrainingFigures(
        start=start,
        end=end,
        sessions_given=len(sessions),
        participants_attended=len(attended),
        by_sector=_sorted_counts(sectors),
        by_province=_sorted_counts(provinces),
        by_language=_sorted_counts(languages),
        attendance_rate=len(attended) / marked if marked else None,
        evaluation_mean=round(fmean(means), 2) if means else None,
        by_year=[(year, counts[0], counts[1]) for year, counts in sorted(per_year.items())],
    )

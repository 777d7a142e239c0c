"""Reads of publications and of the newsletter, for pages and for the activity report.

``publications_between`` and ``newsletter_reach`` are the figures the activity report
(``balise.reports``) reads: periods are inclusive dates, days in the site's time zone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from balise.accounts.models import User
from balise.mail.selectors import batch_counts
from balise.publications.models import (
    LANGUAGE_CODES,
    Consent,
    Issue,
    Kind,
    Publication,
    PublicationQuerySet,
    PublicationVersion,
    Subscriber,
)
from balise.publications.search import matching_versions


def publications_visible_to(user: User | AnonymousUser) -> PublicationQuerySet:
    return Publication.objects.visible_to(user).prefetch_related(
        Prefetch("versions", queryset=PublicationVersion.objects.order_by("language")), "topics"
    )


def get_publication_or_404(user: User | AnonymousUser, pk: int) -> Publication:
    """A publication the person may see; a draft answers 404 to everyone but editors."""
    try:
        return publications_visible_to(user).get(pk=pk)
    except Publication.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class CatalogueFilters:
    kind: str = ""
    topic: str = ""  # "forms:<code>" or "sectors:<code>"
    year: int | None = None
    language: str = ""
    query: str = ""


def catalogue(filters: CatalogueFilters) -> PublicationQuerySet:
    """Published publications matching the filters, newest first."""
    publications = publications_visible_to(AnonymousUser())
    if filters.kind:
        publications = publications.filter(kind=filters.kind)
    if filters.topic:
        vocabulary, _sep, code = filters.topic.partition(":")
        publications = publications.filter(topics__vocabulary=vocabulary, topics__code=code)
    if filters.year:
        publications = publications.filter(published_on__year=filters.year)
    if filters.language:
        publications = publications.filter(versions__language=filters.language)
    if filters.query.strip():
        versions = matching_versions(filters.query)
        if filters.language:
            versions = versions.filter(language=filters.language)
        publications = publications.filter(pk__in=versions.values("publication_id"))
    return publications.distinct().order_by("-published_on", "-pk")


def catalogue_years() -> list[int]:
    dates = Publication.objects.published().dates("published_on", "year", order="DESC")
    return [day.year for day in dates]


def published_in(language: str, *, limit: int = 30) -> list[tuple[Publication, PublicationVersion]]:
    """The newest published publications that have a version in ``language`` (the feeds)."""
    versions = (
        PublicationVersion.objects.filter(
            language=language, publication__status=Publication.Status.PUBLISHED
        )
        .select_related("publication")
        .order_by("-publication__published_on", "-publication__published_at", "-pk")[:limit]
    )
    return [(version.publication, version) for version in versions]


@dataclass(frozen=True)
class PublishedPublication:
    """One published publication, as the activity report lists it."""

    pk: int
    kind: str  # a Kind code
    kind_label: str  # in the active language
    published_on: date
    title: str  # in the active language, else French, Dutch, English
    titles: tuple[tuple[str, str], ...]  # (language, title) of every version
    authors: str
    legal_deposit: str
    url: str  # path of the public page


def publications_between(*, start: date, end: date) -> list[PublishedPublication]:
    """Published publications dated from ``start`` to ``end`` (inclusive), oldest first."""
    language = (translation.get_language() or "fr")[:2]
    found = []
    for publication in (
        publications_visible_to(AnonymousUser())
        .filter(published_on__gte=start, published_on__lte=end)
        .order_by("published_on", "pk")
    ):
        version = publication.version_in(language)
        found.append(
            PublishedPublication(
                pk=publication.pk,
                kind=publication.kind,
                kind_label=str(Kind(publication.kind).label),
                published_on=publication.published_on,
                title=version.title if version else "",
                titles=tuple((v.language, v.title) for v in publication.versions.all()),
                authors=publication.authors,
                legal_deposit=publication.legal_deposit,
                url=reverse("publications:detail", args=[publication.pk]),
            )
        )
    return found


# --- Newsletter ---


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def confirmed_at(moment: datetime) -> Q:
    """Subscribers confirmed at ``moment`` (confirmed before it and not gone by then)."""
    return Q(confirmed_at__lt=moment) & (Q(left_at__isnull=True) | Q(left_at__gte=moment))


@dataclass(frozen=True)
class NewsletterReach:
    """The newsletter over a period, for the activity report.

    ``subscribers``: confirmed subscribers at the end of the period, per language, as
    (language, count) for fr, nl, en; ``total``: their sum; ``new_by_month``: confirmations
    within the period per month, as ("YYYY-MM", count), months without one included;
    ``issues_sent``: issues whose sending started within the period; ``mails_delivered``: mails
    of those issues the outbox handed to the mail server.
    """

    start: date
    end: date
    subscribers: tuple[tuple[str, int], ...]
    total: int
    new_by_month: tuple[tuple[str, int], ...]
    issues_sent: int
    mails_delivered: int


def _months(start: date, end: date) -> list[str]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _delivered(issues: list[Issue]) -> int:
    # The outbox (balise.mail) counts what it handed to the mail server, per batch.
    return sum(int(batch_counts(issue.batch).get("sent", 0)) for issue in issues)


def newsletter_reach(*, start: date, end: date) -> NewsletterReach:
    moment = _day_end(end)
    counts = Counter(
        Subscriber.objects.filter(confirmed_at(moment)).values_list("language", flat=True)
    )
    confirmations = Consent.objects.filter(
        event=Consent.Event.CONFIRMED, at__gte=_day_start(start), at__lt=moment
    ).values_list("at", flat=True)
    by_month = Counter(timezone.localtime(at).strftime("%Y-%m") for at in confirmations)
    issues = list(
        Issue.objects.filter(send_started_at__gte=_day_start(start), send_started_at__lt=moment)
    )
    delivered = _delivered(issues)
    subscribers = tuple((language, counts.get(language, 0)) for language in LANGUAGE_CODES)
    return NewsletterReach(
        start=start,
        end=end,
        subscribers=subscribers,
        total=sum(count for _language, count in subscribers),
        new_by_month=tuple((month, by_month.get(month, 0)) for month in _months(start, end)),
        issues_sent=len(issues),
        mails_delivered=delivered,
    )


@dataclass(frozen=True)
class SubscriberCounts:
    """Confirmed subscribers now per language; confirmations per month and language."""

    by_language: tuple[tuple[str, int], ...]
    total: int
    by_month: tuple[tuple[str, tuple[int, ...]], ...]  # ("YYYY-MM", counts in LANGUAGE_CODES order)
    pending: int
    left: int


def subscriber_counts() -> SubscriberCounts:
    statuses = Counter(Subscriber.objects.values_list("status", flat=True))
    languages = Counter(
        Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).values_list(
            "language", flat=True
        )
    )
    months: dict[str, Counter[str]] = {}
    for at, language in Consent.objects.filter(event=Consent.Event.CONFIRMED).values_list(
        "at", "language"
    ):
        months.setdefault(timezone.localtime(at).strftime("%Y-%m"), Counter())[language] += 1
    by_language = tuple((code, languages.get(code, 0)) for code in LANGUAGE_CODES)
    return SubscriberCounts(
        by_language=by_language,
        total=sum(n for _code, n in by_language),
        by_month=tuple(
            (month, tuple(months[month].get(code, 0) for code in LANGUAGE_CODES))
            for month in sorted(months)
        ),
        pending=statuses.get(Subscriber.Status.PENDING, 0),
        left=statuses.get(Subscriber.Status.UNSUBSCRIBED, 0)
        + statuses.get(Subscriber.Status.BOUNCED, 0),
    )

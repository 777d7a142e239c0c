"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from balise.mail.models import OutboundMail


def batch_counts(batch: str) -> dict[str, int]:
    """Messages of a batch (e.g. one newsletter issue) by status; every status present."""
    counts = dict.fromkeys(OutboundMail.Status.values, 0)
    rows = (
        OutboundMail.objects.filter(batch=batch)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    for row in rows:
        counts[str(row["status"])] = int(row["n"])
    return counts


def outbox_list(*, status: str = "") -> QuerySet[OutboundMail]:
    mails = OutboundMail.objects.defer("text", "html")
    if status:
        mails = mails.filter(status=status)
    return mails


def status_counts() -> dict[str, int]:
    counts = dict.fromkeys(OutboundMail.Status.values, 0)
    for row in OutboundMail.objects.values("status").annotate(n=Count("pk")).order_by("status"):
        counts[str(row["status"])] = int(row["n"])
    return counts


def batch_problems(batch: str, *, limit: int = 500) -> list[OutboundMail]:
    """A batch's messages that did not (yet) reach their recipient for a reason a person may
    act on: refused for good, not sent to a suppressed address, interrupted, or waiting for a
    retry after a refusal; per recipient, oldest first."""
    stuck = [
        OutboundMail.Status.FAILED,
        OutboundMail.Status.SUPPRESSED,
        OutboundMail.Status.INTERRUPTED,
    ]
    mails = (
        OutboundMail.objects.filter(batch=batch)
        .filter(Q(status__in=stuck) | Q(status=OutboundMail.Status.QUEUED, attempts__gt=0))
        .defer("text", "html")
        .order_by("created_at", "pk")
    )
    return list(mails[:limit])

"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import Count, QuerySet

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

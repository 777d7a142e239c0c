"""The organisation's own section of the public home page: the latest activity report, the team."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from balise.core.home import HomeSection
from balise.reports.models import ActivityReport, ReportPdf


def section(request: HttpRequest) -> HomeSection:
    latest = (
        ActivityReport.objects.filter(versions__isnull=False)
        .distinct()
        .order_by("-end_year", "-pk")
        .first()
    )
    has_pdf = False
    if latest is not None:
        language = (translation.get_language() or "fr")[:2]
        has_pdf = ReportPdf.objects.filter(
            version=latest.latest_version, language=language
        ).exists()
    return HomeSection("reports/_home.html", {"latest": latest, "has_pdf": has_pdf})

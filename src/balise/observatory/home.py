"""The public statistics' section of the home page: the latest published release."""

from __future__ import annotations

from django.http import HttpRequest

from balise.core.home import HomeSection
from balise.observatory.models import Release


def section(request: HttpRequest) -> HomeSection:
    latest = (
        Release.objects.published()
        .order_by("-published_at", "-pk")
        .only("pk", "title", "period", "years", "published_at")
        .first()
    )
    return HomeSection(
        "observatory/_home.html",
        {"latest": latest, "count": Release.objects.published().count()},
    )

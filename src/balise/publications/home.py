"""The publications' and the newsletter's sections of the public home page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from balise.core.home import HomeSection
from balise.publications.selectors import published_in

SHOWN = 3


def section(request: HttpRequest) -> HomeSection:
    language = (translation.get_language() or "fr")[:2]
    latest = published_in(language, limit=SHOWN)
    return HomeSection("publications/_home.html", {"latest": latest, "language": language})


def newsletter_section(request: HttpRequest) -> HomeSection:
    return HomeSection("publications/_home_newsletter.html")

"""The detection aid's section of the public home page."""

from __future__ import annotations

from django.http import HttpRequest

from balise.core.home import HomeSection


def section(request: HttpRequest) -> HomeSection:
    return HomeSection("detection/_home.html")

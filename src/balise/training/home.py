"""The trainings' section of the public home page: the next sessions."""

from __future__ import annotations

from django.http import HttpRequest

from balise.core.home import HomeSection
from balise.training import selectors

SHOWN = 3


def section(request: HttpRequest) -> HomeSection:
    upcoming = selectors.upcoming_sessions(selectors.SessionFilters())
    rows = [
        {
            "session": session,
            "course": session.course,
            "free": max(session.capacity - getattr(session, "taken", 0), 0),
            "language_name": selectors.language_label(session.language),
        }
        for session in upcoming[:SHOWN]
    ]
    return HomeSection("training/_home.html", {"rows": rows, "more": len(upcoming) - len(rows)})

"""The ``.ics`` invitation attached to confirmation mails (RFC 5545, through ``icalendar``).

METHOD:PUBLISH, not REQUEST: the file is an event to add to a calendar, not a meeting request a
mail client would answer to the sender.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from balise.training.models import Session


def session_calendar(session: Session, *, personal_url: str, now: datetime) -> bytes:
    host = urlsplit(settings.BALISE_SITE_URL).hostname or "balise.invalid"
    calendar = Calendar()
    calendar.add("prodid", "-//Balise//Trainings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"training-session-{session.pk}@{host}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", session.course.title)
    place = ", ".join(part for part in (session.venue, session.address) if part)
    event.add("location", place or session.online_url)
    description = [session.course.summary, "", personal_url]
    if session.online_url:
        description.insert(2, session.online_url)
    event.add("description", "\n".join(description))
    event.add("url", personal_url)
    if session.cancelled_at is not None:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return bytes(calendar.to_ical())

"""Rows for training tests, written straight to the tables (the services are tested apart)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from balise.training.models import Course, Registration, Session, Status

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BRUSSELS)


def make_course(**fields: Any) -> Course:
    values: dict[str, Any] = {
        "title": "Repérer l'exploitation",
        "summary": "Les signes, le cadre légal, qui appeler.",
        "objectives": "Reconnaître les signes.",
        "audience_sectors": ["police", "youth_aid"],
        "duration_hours": Decimal("6.0"),
        "languages": ["fr", "nl"],
        "trainers": "A. Formatrice",
    }
    values.update(fields)
    return Course.objects.create(**values)


def make_session(course: Course, starts_at: datetime, **fields: Any) -> Session:
    values: dict[str, Any] = {
        "ends_at": starts_at + timedelta(hours=6),
        "language": "fr",
        "venue": "Maison des associations",
        "address": "Rue Haute 1, 1000 Bruxelles",
        "province": "04000",
        "capacity": 20,
        "registration_deadline": starts_at - timedelta(days=2),
        "cancellation_deadline": starts_at - timedelta(days=1),
    }
    values.update(fields)
    return Session.objects.create(course=course, starts_at=starts_at, **values)


def make_registration(session: Session, number: int, status: str, **fields: Any) -> Registration:
    values: dict[str, Any] = {
        "full_name": f"Participant {number}",
        "email": f"p{number}@example.org",
        "organisation": "SAJ",
        "sector": "youth_aid",
        "language": "fr",
        "consent_version": "1",
        "consented_at": session.starts_at - timedelta(days=10),
        "created_at": session.starts_at - timedelta(days=10),
        "status": status,
        "arrival": number,
    }
    values.update(fields)
    return Registration.objects.create(session=session, **values)


__all__ = ["Status", "at", "make_course", "make_registration", "make_session"]

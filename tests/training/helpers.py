"""Helpers of the training tests: a fake clock, registrations through the services, mail
lookups and the links found in mails."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.core import mail

from balise.training import services
from balise.training.models import Registration, Session

LINK = re.compile(r"https?://\S+/trainings/(confirm|me|evaluate)/([^/\s]+)/")


class Clock:
    """The time the services are told it is; tests move it on."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def register(session: Session, number: int, clock: Clock, **fields: object) -> Registration:
    data = services.RegistrationInput(
        full_name=str(fields.pop("full_name", f"Person {number}")),
        email=str(fields.pop("email", f"person{number}@example.org")),
        language=str(fields.pop("language", "fr")),
        consent=bool(fields.pop("consent", True)),
        organisation="SAJ Bravo",
        sector=str(fields.pop("sector", "youth_aid")),
        answers=list(fields.pop("answers", [])),  # type: ignore[call-overload]  # a list given
    )
    assert not fields, fields
    return services.registration_create(session=session, data=data, now=clock.now).registration


def register_and_confirm(session: Session, number: int, clock: Clock) -> Registration:
    registration = register(session, number, clock)
    return services.registration_confirm(registration=registration, now=clock.now)


def mails_to(email: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if email in m.to]


def links_in(message: mail.EmailMessage, kind: str) -> list[str]:
    return [f"/trainings/{k}/{token}/" for k, token in LINK.findall(str(message.body)) if k == kind]

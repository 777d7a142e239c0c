"""Trainings of the demo network (`balise demo`): two courses, past sessions with attendance and
evaluations, an upcoming full session with a waitlist and an open online one. Written straight
to the tables (no mail is queued: the people are fictitious); added once, dates around today."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from balise.training.models import Course, Evaluation, Registration, Session, Status
from balise.training.privacy import PRIVACY_NOTICE_VERSION

FIRST_NAMES = ("Anne", "Bram", "Chloé", "Dries", "Eva", "Farid", "Greet", "Hugo", "Inès", "Joris")
LAST_NAMES = ("Martin", "Peeters", "Dubois", "Janssens", "Lambert", "Maes", "Dupont", "Claes")
SECTORS = ("police", "youth_aid", "justice", "association", "school", "reception", "health")
ORGANISATIONS = {
    "police": "Zone de police Bruxelles-Nord",
    "youth_aid": "SAJ de Liège",
    "justice": "Parquet de Bruxelles",
    "association": "Esperanto asbl",
    "school": "Centre PMS de Namur",
    "reception": "Fedasil Mouscron",
    "health": "CPVS Gent",
}


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()


def _at(day: datetime, hour: int) -> datetime:
    return timezone.localtime(day).replace(hour=hour, minute=0, second=0, microsecond=0)


def _session(course: Course, starts: datetime, **fields: object) -> Session:
    values: dict[str, object] = {
        "ends_at": starts + timedelta(hours=6),
        "language": "fr",
        "venue": "Maison des associations",
        "address": "Rue de la Charité 22, 1210 Saint-Josse-ten-Noode",
        "province": "04000",
        "capacity": 20,
        "registration_deadline": starts - timedelta(days=3),
        "cancellation_deadline": starts - timedelta(days=2),
    }
    values.update(fields)
    return Session.objects.create(course=course, starts_at=starts, **values)


def _people(session: Session, count: int, statuses: list[str], offset: int) -> list[Registration]:
    made = []
    for number in range(count):
        index = offset + number
        sector = SECTORS[index % len(SECTORS)]
        first, last = FIRST_NAMES[index % 10], LAST_NAMES[(index // 10 + index) % 8]
        made.append(
            Registration(
                session=session,
                full_name=f"{first} {last}",
                email=f"{_ascii(first)}.{_ascii(last)}{index}@example.org",
                organisation=ORGANISATIONS[sector],
                sector=sector if index % 9 else "",
                study="" if index % 9 else "Master en criminologie",
                function="Inspectrice" if sector == "police" else "Intervenant·e",
                language=session.language,
                consent_version=PRIVACY_NOTICE_VERSION,
                consented_at=session.starts_at - timedelta(days=20),
                created_at=session.starts_at - timedelta(days=20),
                confirmed_at=session.starts_at - timedelta(days=20),
                status=statuses[number % len(statuses)],
                arrival=number + 1,
            )
        )
    Registration.objects.bulk_create(made)
    session.arrivals = count
    session.save(update_fields=["arrivals"])
    return list(session.registrations.order_by("arrival"))


@transaction.atomic
def add_demo_trainings(*, now: datetime | None = None) -> int:
    """Add the demo trainings unless a course exists; the number of sessions added."""
    if Course.objects.exists():
        return 0
    today = timezone.localtime(now or timezone.now())
    detect = Course.objects.create(
        title="Repérer l'exploitation sexuelle des enfants",
        summary="Les signes qui doivent alerter, le cadre légal belge, qui prévenir et comment "
        "enregistrer une situation sans nom dans Balise.",
        objectives="Reconnaître les signes\nConnaître les relais\nEnregistrer une situation",
        audience_sectors=["police", "youth_aid", "association", "school"],
        duration_hours=Decimal("6"),
        languages=["fr", "nl"],
        trainers="Sophie Leclercq",
    )
    minors = Course.objects.create(
        title="Mineurs étrangers non accompagnés et traite",
        summary="Tutelle, accueil et procédure : repérer les mineurs exploités parmi les MENA.",
        objectives="Comprendre le rôle du tuteur\nRepérer les signes propres aux MENA",
        audience_sectors=["reception", "justice", "youth_aid"],
        duration_hours=Decimal("3.5"),
        languages=["fr", "nl", "en"],
        trainers="Koen Vermeulen",
    )
    sessions = 0
    offset = 0
    for months_ago, course, language, province in (
        (14, detect, "fr", "04000"),
        (8, minors, "nl", "10000"),
        (3, detect, "fr", "60000"),
        (1, minors, "fr", "04000"),
    ):
        starts = _at(today - timedelta(days=30 * months_ago), 9)
        past = _session(course, starts, language=language, province=province, partner="Child Focus")
        people = _people(
            past,
            14,
            [Status.ATTENDED, Status.ATTENDED, Status.ATTENDED, Status.NO_SHOW, Status.CANCELLED],
            offset,
        )
        offset += 14
        # As if the tick had run then: nobody is mailed again about a demo session.
        past.registrations.update(
            reminder_sent_at=past.starts_at - timedelta(days=2),
            evaluation_sent_at=past.ends_at + timedelta(hours=1),
        )
        for number, person in enumerate(p for p in people if p.status == Status.ATTENDED):
            if number % 3 == 2:
                continue  # not everyone answers
            Evaluation.objects.create(
                registration=person,
                overall=4 + (number % 2),
                content=3 + (number % 3),
                trainer=5 - (number % 2),
                usefulness=4,
                comments="Très concret, merci." if number == 0 else "",
                submitted_at=past.ends_at + timedelta(days=1),
            )
        sessions += 1
    full = _session(detect, _at(today + timedelta(days=21), 9), capacity=12, offer_hold_hours=48)
    _people(full, 12, [Status.REGISTERED], offset)
    offset += 12
    Registration.objects.bulk_create(
        Registration(
            session=full,
            full_name=f"{FIRST_NAMES[n]} {LAST_NAMES[n % 8]}",
            email=f"waiting{n}@example.org",
            organisation=ORGANISATIONS["youth_aid"],
            sector="youth_aid",
            language="fr",
            consent_version=PRIVACY_NOTICE_VERSION,
            consented_at=today - timedelta(days=2),
            created_at=today - timedelta(days=2),
            confirmed_at=today - timedelta(days=2),
            status=Status.WAITLISTED,
            arrival=13 + n,
        )
        for n in range(3)
    )
    full.arrivals = 15
    full.save(update_fields=["arrivals"])
    _session(
        minors,
        _at(today + timedelta(days=35), 13),
        ends_at=_at(today + timedelta(days=35), 13) + timedelta(hours=3, minutes=30),
        language="nl",
        venue="",
        address="",
        province="",
        online_url="https://meet.example.org/balise-mena",
        capacity=40,
        questions=["Werkt u met niet-begeleide minderjarigen? Hoe?"],
    )
    return sessions + 2

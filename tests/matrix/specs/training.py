"""Access specs of the trainings: public pages and signed-link pages for everyone (no account),
the catalogue and registrations for editors."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from balise.training.models import Evaluation, Registration, Session, Status
from balise.training.tokens import Purpose, make_token
from tests.conftest import Personas
from tests.matrix.harness import EDITORS, EVERYONE, UrlSpec
from tests.training.factories import make_course, make_registration, make_session

_emails = itertools.count()


def _session() -> Session:
    return make_session(make_course(), timezone.now() + timedelta(days=10))


def _past_session() -> Session:
    starts = timezone.now() - timedelta(hours=2)
    return make_session(
        make_course(),
        starts,
        registration_deadline=starts - timedelta(days=1),
        cancellation_deadline=starts - timedelta(days=1),
    )


def _registration(status: str, session: Session | None = None) -> Registration:
    return make_registration(session or _session(), 1, status)


def _token(status: str, purpose: Purpose, session: Session | None = None) -> dict[str, Any]:
    return {"token": make_token(_registration(status, session), purpose)}


def _register_data(p: Personas) -> dict[str, str]:
    return {
        "full_name": "Anne Martin",
        "email": f"anne{next(_emails)}@example.org",
        "sector": "police",
        "consent": "on",
    }


def _course_data(p: Personas) -> dict[str, Any]:
    return {
        "text_language": "fr",
        "title": "Nouvelle formation",
        "summary": "Résumé",
        "duration_hours": "3",
        "languages": ["fr"],
        "audience_sectors": ["police"],
    }


def _session_data(p: Personas) -> dict[str, str]:
    return {
        "starts_at": "2030-05-10T09:00",
        "ends_at": "2030-05-10T16:00",
        "language": "fr",
        "address": "Rue Haute 1, Bruxelles",
        "province": "04000",
        "capacity": "20",
        "registration_deadline": "2030-05-08T12:00",
        "cancellation_deadline": "2030-05-09T12:00",
        "offer_hold_hours": "48",
        "waitlist_enabled": "on",
        "is_published": "on",
    }


def _evaluated_session(p: Personas) -> dict[str, int]:
    session = _past_session()
    registration = _registration(Status.ATTENDED, session)
    Evaluation.objects.create(
        registration=registration, overall=4, content=5, trainer=4, usefulness=3
    )
    return {"pk": session.pk}


SPECS = [
    UrlSpec("training:sessions", {"GET": EVERYONE}),
    UrlSpec("training:privacy", {"GET": EVERYONE}),
    UrlSpec("training:session", {"GET": EVERYONE}, kwargs=lambda p: {"pk": _session().pk}),
    UrlSpec(
        "training:register",
        {"GET": EVERYONE, "POST": EVERYONE},
        kwargs=lambda p: {"pk": _session().pk},
        data=_register_data,
    ),
    UrlSpec("training:registered", {"GET": EVERYONE}, kwargs=lambda p: {"pk": _session().pk}),
    UrlSpec(
        "training:confirm",
        {"GET": EVERYONE, "POST": EVERYONE},
        kwargs=lambda p: _token(Status.PENDING, Purpose.CONFIRM),
    ),
    UrlSpec(
        "training:manage",
        {"GET": EVERYONE, "POST": EVERYONE},
        kwargs=lambda p: _token(Status.WAITLISTED, Purpose.MANAGE),
        data=lambda p: {"action": "leave"},
    ),
    UrlSpec(
        "training:my_certificate",
        {"GET": EVERYONE},
        kwargs=lambda p: _token(Status.ATTENDED, Purpose.MANAGE, _past_session()),
    ),
    UrlSpec(
        "training:evaluate",
        {"GET": EVERYONE, "POST": EVERYONE},
        kwargs=lambda p: _token(Status.ATTENDED, Purpose.EVALUATE, _past_session()),
        data=lambda p: {"overall": "5", "content": "4", "trainer": "5", "usefulness": "4"},
    ),
    UrlSpec("training:course_list", {"GET": EDITORS}),
    UrlSpec("training:course_create", {"GET": EDITORS, "POST": EDITORS}, data=_course_data),
    UrlSpec("training:course_detail", {"GET": EDITORS}, kwargs=lambda p: {"pk": make_course().pk}),
    UrlSpec(
        "training:course_edit",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=lambda p: {"pk": make_course().pk},
        data=_course_data,
    ),
    UrlSpec("training:course_results", {"GET": EDITORS}, kwargs=lambda p: {"pk": make_course().pk}),
    UrlSpec(
        "training:session_create",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=lambda p: {"course_pk": make_course().pk},
        data=_session_data,
    ),
    UrlSpec("training:session_manage", {"GET": EDITORS}, kwargs=lambda p: {"pk": _session().pk}),
    UrlSpec(
        "training:session_edit",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=lambda p: {"pk": _session().pk},
        data=_session_data,
    ),
    UrlSpec("training:session_cancel", {"POST": EDITORS}, kwargs=lambda p: {"pk": _session().pk}),
    UrlSpec(
        "training:participant_add",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=lambda p: {"pk": _session().pk},
        data=lambda p: {
            "full_name": "Bram Peeters",
            "email": f"bram{next(_emails)}@example.org",
            "sector": "police",
            "language": "nl",
        },
    ),
    UrlSpec(
        "training:participant_import",
        {"POST": EDITORS},
        kwargs=lambda p: {"pk": _session().pk},
        data=lambda p: {
            "file": SimpleUploadedFile(
                "list.csv", f"name;email\nBram;bram{next(_emails)}@example.org\n".encode()
            )
        },
    ),
    UrlSpec("training:checkin", {"GET": EDITORS}, kwargs=lambda p: {"pk": _session().pk}),
    UrlSpec(
        "training:attendance_export",
        {"GET": EDITORS},
        kwargs=lambda p: {"pk": _registration(Status.REGISTERED).session_id, "fmt": "csv"},
    ),
    UrlSpec("training:session_results", {"GET": EDITORS}, kwargs=_evaluated_session),
    UrlSpec(
        "training:registration_action",
        {"POST": EDITORS},
        kwargs=lambda p: {"pk": _registration(Status.REGISTERED).pk, "action": "cancel"},
    ),
    UrlSpec(
        "training:certificate",
        {"GET": EDITORS},
        kwargs=lambda p: {"pk": _registration(Status.ATTENDED, _past_session()).pk},
    ),
    UrlSpec(
        "training:person",
        {"GET": EDITORS, "POST": EDITORS},
        data=lambda p: {"email": "p1@example.org", "action": "export"},
    ),
]

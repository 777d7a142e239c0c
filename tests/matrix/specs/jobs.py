"""Access specs of the job pages: a job is seen within its owner's organisation only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.accounts.models import User
from balise.jobs.services import job_enqueue
from tests.conftest import Personas
from tests.jobs.handlers import count_to
from tests.matrix.harness import SIGNED_IN, UrlSpec


def _job(owner: User) -> Mapping[str, Any]:
    return {"pk": job_enqueue(handler=count_to, owner=owner, params={"n": 1}, start=False).pk}


def _own(personas: Personas) -> Mapping[str, Any]:
    return _job(personas.steward_a)


def _other(personas: Personas) -> Mapping[str, Any]:
    return _job(personas.steward_b)


# People outside org A cannot see its jobs: 404, as for any object they cannot see.
_OUTSIDERS = {f"GET {p}": 404 for p in ("analyst", "editor", "admin", "loner")}
_WHY = "signed-in people outside the job's organisation get 404 (the job is not theirs to see)"

SPECS = [
    UrlSpec(
        "jobs:detail",
        {"GET": SIGNED_IN},
        kwargs=_own,
        other_kwargs=_other,
        special=_OUTSIDERS,
        reason=_WHY,
    ),
    UrlSpec(
        "jobs:progress",
        {"GET": SIGNED_IN},
        kwargs=_own,
        other_kwargs=_other,
        special=_OUTSIDERS,
        reason=_WHY,
    ),
]

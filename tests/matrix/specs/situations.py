"""Access specs of the recording pages: members of an organisation, their own situations only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.accounts.models import User
from balise.situations.models import Situation
from balise.situations.services import situation_create
from tests.conftest import Personas
from tests.matrix.harness import ORG_MEMBERS, UrlSpec


def _situation(recorder: User) -> Situation:
    assert recorder.organisation is not None
    existing = Situation.objects.filter(
        organisation=recorder.organisation, reference="MATRIX-1"
    ).first()
    return existing or situation_create(
        actor=recorder,
        organisation=recorder.organisation,
        data=_form(None) | {"reference": "MATRIX-1"},
    )


def _own(personas: Personas) -> Mapping[str, Any]:
    return {"pk": _situation(personas.recorder_a).pk}


def _other(personas: Personas) -> Mapping[str, Any]:
    return {"pk": _situation(personas.recorder_b).pk}


def _form(personas: Personas | None) -> dict[str, Any]:
    return {
        "detection_month": "2025-01",
        "arrondissement": "21000",
        "age_years": "15",
        "gender": "girl",
        "citizenship_group": "non_eu",
        "forms": ["prostitution"],
        "status": "presumed",
    }


SPECS = [
    UrlSpec("situations:list", {"GET": ORG_MEMBERS}),
    UrlSpec("situations:create", {"GET": ORG_MEMBERS, "POST": ORG_MEMBERS}, data=_form),
    UrlSpec(
        "situations:validate",
        {"POST": ORG_MEMBERS},
        data=lambda personas: {"_field": "age_years", "age_years": "12"},
    ),
    UrlSpec("situations:export_csv", {"GET": ORG_MEMBERS}),
    UrlSpec("situations:export_xlsx", {"GET": ORG_MEMBERS}),
    UrlSpec("situations:detail", {"GET": ORG_MEMBERS}, kwargs=_own, other_kwargs=_other),
    UrlSpec(
        "situations:edit",
        {"GET": ORG_MEMBERS, "POST": ORG_MEMBERS},
        kwargs=_own,
        other_kwargs=_other,
        data=lambda personas: _form(personas) | {"reference": "MATRIX-1"},
    ),
]

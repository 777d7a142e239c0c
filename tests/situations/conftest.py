"""Shared helpers for situation tests: valid input and a way to record a situation quickly."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from balise.accounts.models import User
from balise.linkage.spec import CURRENT
from balise.situations.encodings import open_situation
from balise.situations.models import Situation
from balise.situations.services import situation_create

# An encoding of the current spec: its length follows the spec version.
VALID_VERSION = str(CURRENT.version)
VALID_ENCODING = base64.b64encode(bytes(i % 256 for i in range(CURRENT.total_bytes))).decode()
VALID_KEY_ID = "0123456789abcdef"


def valid_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": "DOSS-2025-001",
        "detection_month": "2025-03",
        "arrondissement": "21000",
        "age_years": 15,
        "gender": "girl",
        "citizenship_group": "non_eu",
        "unaccompanied": True,
        "forms": ["prostitution", "online_sextortion"],
        "recruitment_channels": ["loverboy"],
        "places": ["private_rental", "hotel"],
        "vulnerabilities": [],
        "signs": [],
        "actions": ["report_police"],
        "status": "presumed",
    }
    data.update(overrides)
    return data


def stored_encoding(situation: Situation) -> str:
    """The situation's encoding as base64, decrypted from the database ("" without one)."""
    situation.refresh_from_db()
    raw = open_situation(situation)
    return "" if raw is None else base64.b64encode(raw).decode("ascii")


RecordSituation = Callable[..., Situation]


@pytest.fixture
def record_situation() -> RecordSituation:
    def _record(actor: User, **overrides: Any) -> Situation:
        assert actor.organisation is not None
        return situation_create(
            actor=actor, organisation=actor.organisation, data=valid_data(**overrides)
        )

    return _record

"""Situations with real identity encodings, for linkage, counts and releases (hand-computed)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from balise.accounts.models import PlatformRole, User
from balise.linkage.encode import Encoder
from balise.linkage.secret import NetworkSecret
from balise.observatory.runs import linkage_run
from balise.situations.models import Situation
from balise.situations.services import situation_create
from tests.conftest import Personas, make_user

if TYPE_CHECKING:
    from playwright.sync_api import Page
from tests.situations.conftest import valid_data

ENCODER = Encoder(NetworkSecret(hashlib.sha256(b"observatory tests").digest()))
QUALITY_CHILDREN = 60  # a small quality set keeps tests fast; the figure itself is not checked

IDENTITIES = {
    "amina": ("Amina", "El Amrani", "2010-04-12", "F"),
    "lucas": ("Lucas", "Peeters", "2009-11-02", "M"),
    "senait": ("Senait", "Tesfaye", "2011-01-01", "F"),
    "nora": ("Nora", "Janssens", "2012-06-30", "F"),
}


def encoding_of(name: str) -> dict[str, str]:
    columns = ENCODER.columns(*IDENTITIES[name])
    return {
        "identity_encoding": columns["balise_encoding"],
        "identity_version": columns["balise_version"],
        "identity_key_id": columns["balise_key_id"],
    }


Record = Callable[..., Situation]


@pytest.fixture
def record() -> Record:
    counter = {"n": 0}

    def _record(actor: User, child: str | None, **overrides: Any) -> Situation:
        assert actor.organisation is not None
        counter["n"] += 1
        data = valid_data(reference=f"T-{counter['n']:04d}", **overrides)
        if child is not None:
            data.update(encoding_of(child))
        return situation_create(actor=actor, organisation=actor.organisation, data=data)

    return _record


@dataclass
class Network:
    """Org A is police, org B youth aid (tests.conftest personas).

    Amina: police (2025-03) and youth aid (2025-05): one child, two sectors.
    Lucas: police twice (2025-03, 2025-06): one child, one sector.
    Senait: youth aid (2025-04). One situation without an encoding (police, 2025-07).
    So: 6 situations, 4 children, 1 child known to two sectors; police knows 3 children
    (Amina, Lucas, the unencoded one), youth aid 2 (Amina, Senait), both 1.
    """

    situations: dict[str, Situation]


@pytest.fixture
def network(personas: Personas, record: Record) -> Network:
    a, b = personas.recorder_a, personas.recorder_b
    situations = {
        "amina_police": record(a, "amina", detection_month="2025-03", gender="girl", age_years=14),
        "amina_youth": record(b, "amina", detection_month="2025-05", gender="girl", age_years=15),
        "lucas_1": record(a, "lucas", detection_month="2025-03", gender="boy", age_years=15),
        "lucas_2": record(a, "lucas", detection_month="2025-06", gender="boy", age_years=15),
        "senait": record(
            b,
            "senait",
            detection_month="2025-04",
            gender="girl",
            age_years=13,
            citizenship_group="non_eu",
            forms=["trafficking_sexual"],
        ),
        "unencoded": record(a, None, detection_month="2025-07", gender="unknown", age_years=None),
    }
    return Network(situations)


@pytest.fixture
def linked(network: Network) -> Network:
    linkage_run(actor=None, quality_children=QUALITY_CHILDREN)
    return network


@pytest.fixture
def analyst2(personas: Personas) -> User:
    return make_user("analyst2@example.org", platform_role=PlatformRole.ANALYST)


OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 5)"""


def assert_no_horizontal_overflow(page: Page) -> None:
    """No sideways scrolling at the page's width; the message names the elements that stick out."""
    viewport = page.viewport_size
    assert viewport is not None
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], page.evaluate(OVERFLOWING)

"""A network moving to a new encoding spec: the run links within each version only, says how many
records each version holds, and a situation re-encoded through the form joins its child."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.linkage.encode import Encoder
from balise.linkage.secret import NetworkSecret
from balise.linkage.spec import CURRENT, SPECS
from balise.observatory.models import ChildCluster
from balise.observatory.runs import linkable, linkage_run
from balise.situations import encodings
from balise.situations.models import Situation
from balise.situations.services import build_situation
from balise.situations.validation import validate_situation_data
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import IDENTITIES, Record
from tests.situations.conftest import valid_data
from tests.situations.test_create_view import form_post

SECRET = NetworkSecret(hashlib.sha256(b"observatory tests").digest())
# A version this server does not know, standing for "an older spec": its records must stay
# unlinked, to each other and to everything else.
OLD = str(min(SPECS) - 1)


def _columns(child: str, version: int) -> dict[str, str]:
    columns = Encoder(SECRET, SPECS[version]).columns(*IDENTITIES[child])
    return {
        "identity_encoding": columns["balise_encoding"],
        "identity_version": columns["balise_version"],
        "identity_key_id": columns["balise_key_id"],
    }


def _old(actor: User, reference: str, child: str) -> Situation:
    """A situation whose encoding is labelled with the unknown version (written as the form
    would have before: the validation of today refuses that version)."""
    assert actor.organisation is not None
    situation = build_situation(
        validate_situation_data(valid_data(reference=reference)),
        organisation=actor.organisation,
        recorded_by=actor,
    )
    current = _columns(child, CURRENT.version)
    encodings.store(situation, current["identity_encoding"], OLD, current["identity_key_id"])
    situation.save()
    return situation


@dataclass
class Moving:
    situations: dict[str, Situation]

    def cluster(self, key: str) -> str:
        return ChildCluster.objects.get(situation_id=self.situations[key].pk).cluster

    def clusters(self) -> dict[str, str]:
        return {key: self.cluster(key) for key in self.situations}


@pytest.fixture
def moving(personas: Personas, record: Record) -> Moving:
    """Amina and Lucas, each recorded under the current spec, under every other spec this
    server knows, and under the unknown old version (twice for Amina)."""
    a, b = personas.recorder_a, personas.recorder_b
    situations = {
        "amina_now_police": record(a, None, **_columns("amina", CURRENT.version)),
        "amina_now_youth": record(b, None, **_columns("amina", CURRENT.version)),
        "lucas_now": record(a, None, **_columns("lucas", CURRENT.version)),
        "amina_old_1": _old(a, "OLD-1", "amina"),
        "amina_old_2": _old(b, "OLD-2", "amina"),
        "lucas_old": _old(a, "OLD-3", "lucas"),
    }
    for version in SPECS:
        if version != CURRENT.version:
            situations[f"amina_v{version}_1"] = record(a, None, **_columns("amina", version))
            situations[f"amina_v{version}_2"] = record(b, None, **_columns("amina", version))
    return Moving(situations)


def test_it_links_within_each_version_and_reports_them(moving: Moving) -> None:
    run = linkage_run(actor=None, quality_children=0)
    by_version: dict[str, int] = defaultdict(int)
    for situation in moving.situations.values():
        by_version[situation.identity_version] += 1
    reported = {v["version"]: v for v in run.parameters["versions"]}
    assert {v: r["records"] for v, r in reported.items()} == by_version
    assert {v: r["linked"] for v, r in reported.items()} == {v: linkable(v) for v in by_version}
    assert reported[str(CURRENT.version)]["linked"] is True
    assert reported[OLD] == {
        "version": OLD,
        "records": 3,
        "children": 3,
        "keys": 1,
        "linked": False,
    }
    # Never two versions in one child.
    versions_of: dict[str, set[str]] = defaultdict(set)
    for key, cluster in moving.clusters().items():
        versions_of[cluster].add(moving.situations[key].identity_version)
    assert all(len(found) == 1 for found in versions_of.values())
    assert moving.cluster("amina_now_police") == moving.cluster("amina_now_youth")
    assert moving.cluster("lucas_now") != moving.cluster("amina_now_police")
    old = {moving.cluster(k) for k in ("amina_old_1", "amina_old_2", "lucas_old")}
    assert len(old) == 3
    assert moving.cluster("amina_now_police") not in old
    assert reported[str(CURRENT.version)]["children"] == 2


def test_it_shows_the_versions_on_the_linkage_page(moving: Moving, personas: Personas) -> None:
    linkage_run(actor=None, quality_children=0)
    page = login_verified(Client(), personas.analyst).get(
        reverse("observatory:linkage"), headers={"accept-language": "en"}
    )
    html = " ".join(page.content.decode().split())
    current = sum(
        1 for s in moving.situations.values() if s.identity_version == str(CURRENT.version)
    )
    assert f"version {CURRENT.version}: {current} linked" in html
    assert f"version {OLD}: 3 not linked" in html


def test_it_links_a_situation_once_the_form_re_encodes_it(
    moving: Moving, personas: Personas
) -> None:
    first = linkage_run(actor=None, quality_children=0)
    amina = moving.cluster("amina_now_police")
    situation = moving.situations["amina_old_1"]
    browser = login_verified(Client(), personas.recorder_a)
    response = browser.post(
        reverse("situations:edit", args=[situation.pk]),
        form_post(reference="OLD-1", **_columns("amina", CURRENT.version)),
    )
    assert response.status_code == 302
    situation.refresh_from_db()
    assert situation.identity_version == str(CURRENT.version)
    second = linkage_run(actor=None, quality_children=0)
    assert moving.cluster("amina_old_1") == amina  # joins the child, which keeps its id
    before = {v["version"]: v["records"] for v in first.parameters["versions"]}
    after = {v["version"]: v["records"] for v in second.parameters["versions"]}
    assert after[OLD] == before[OLD] - 1
    assert after[str(CURRENT.version)] == before[str(CURRENT.version)] + 1
    assert second.children == first.children - 1

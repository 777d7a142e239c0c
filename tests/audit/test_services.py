"""record_event: what it stores, what it refuses, and that the hash survives the database."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.audit.services import GENESIS_HASH, chain_head, record_event, verify_chain
from tests.conftest import Personas


@pytest.mark.django_db
def test_it_chains_each_event_to_the_one_before() -> None:
    first = record_event("test.first")
    second = record_event("test.second", details={"count": 2})
    assert first.seq == 1
    assert first.prev_hash == GENESIS_HASH
    assert second.seq == 2
    assert second.prev_hash == first.hash
    assert chain_head().seq == 2
    assert chain_head().hash == second.hash


@pytest.mark.django_db
def test_it_takes_actor_and_organisation_from_the_request(personas: Personas) -> None:
    request = RequestFactory().get("/")
    request.user = personas.steward_a
    request.request_id = "abcdef0123456789"  # type: ignore[attr-defined]  # set by middleware
    event = record_event("test.seen", request=request, object_type="user", object_id=7)
    assert event.actor_id == personas.steward_a.pk
    assert event.actor_label == "steward.a@example.org"
    assert event.organisation_id == personas.org_a.pk
    assert event.request_id == "abcdef0123456789"
    assert event.object_id == "7"


@pytest.mark.django_db
def test_it_verifies_after_the_database_round_trip() -> None:
    # Tuples, nested maps and accents come back from the JSON column as lists and strings.
    record_event("test.round_trip", details={"ids": (3, 1, 2), "nested": {"b": 1, "a": "é"}})
    stored = AuditEvent.objects.get()
    assert stored.details == {"ids": [3, 1, 2], "nested": {"a": "é", "b": 1}}
    assert verify_chain().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    "details", [{"first_name": "x"}, {"meta": {"birth_date": "2010-01-01"}}, {"l": [{"note": 1}]}]
)
def test_it_refuses_identity_fields_and_free_text_at_any_depth(details: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must not carry"):
        record_event("test.leak", details=details)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "login", "Auth.Login", "auth. login", "a." + "b" * 70])
def test_it_refuses_malformed_action_names(action: str) -> None:
    with pytest.raises(ValueError, match="action"):
        record_event(action)


@pytest.mark.django_db
def test_it_records_system_events_without_actor() -> None:
    event = record_event("test.system", actor=None)
    assert event.actor_id is None
    assert event.actor_label == ""
    assert not User.objects.exists()

"""The audit browser: administrators only, filters, pagination, constant number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from balise.accounts.models import User
from balise.audit.guard import audit_maintenance
from balise.audit.models import AuditEvent
from balise.audit.services import chain_head, record_event
from tests.audit.helpers import attacker_sql
from tests.conftest import Personas

URL = reverse("audit:events")
SignIn = Callable[[User], Client]


def _events_for(personas: Personas) -> None:
    record_event("test.alpha", actor=personas.steward_a, object_type="thing", object_id=1)
    record_event("test.bravo", actor=personas.steward_b, object_type="thing", object_id=2)
    record_event("test.alpha", actor=personas.recorder_b, object_type="thing", object_id=3)


def _shown_seqs(client: Client, query: dict[str, str] | None = None) -> list[int]:
    response = client.get(URL, query or {})
    assert response.status_code == 200
    return [row["event"].seq for row in response.context["rows"]]


@pytest.mark.django_db
def test_it_lists_the_newest_events_first(personas: Personas, signed_in: SignIn) -> None:
    _events_for(personas)
    client = signed_in(personas.admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert [row["event"].seq for row in response.context["rows"]] == [3, 2, 1]
    assert "Zone de police Alpha" in response.content.decode()
    assert str(chain_head()) in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_it_filters_by_user_organisation_and_action(personas: Personas, signed_in: SignIn) -> None:
    _events_for(personas)
    client = signed_in(personas.admin)
    assert _shown_seqs(client, {"actor": str(personas.steward_b.pk)}) == [2]
    assert _shown_seqs(client, {"organisation": str(personas.org_b.pk)}) == [3, 2]
    assert _shown_seqs(client, {"action": "test.alpha"}) == [3, 1]
    both = {"organisation": str(personas.org_b.pk), "action": "test.alpha"}
    assert _shown_seqs(client, both) == [3]


@pytest.mark.django_db
def test_it_filters_by_utc_date_range(personas: Personas, signed_in: SignIn) -> None:
    _events_for(personas)
    # Move event 1 two days back, as if it had been written then.
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    with audit_maintenance(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET created_at = %s WHERE seq = 1", [two_days_ago])
    client = signed_in(personas.admin)
    today = datetime.now(UTC).date().isoformat()
    old_day = two_days_ago.date().isoformat()
    assert _shown_seqs(client, {"date_from": today}) == [3, 2]
    assert _shown_seqs(client, {"date_to": old_day}) == [1]
    assert _shown_seqs(client, {"date_from": old_day, "date_to": today}) == [3, 2, 1]


@pytest.mark.django_db
def test_it_shows_errors_and_no_events_for_invalid_filters(
    personas: Personas, signed_in: SignIn
) -> None:
    _events_for(personas)
    client = signed_in(personas.admin)
    response = client.get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert response.context["rows"] == []
    assert _shown_seqs(client, {"action": "not.an_action"}) == []


@pytest.mark.django_db
def test_it_paginates_and_keeps_the_filters(personas: Personas, signed_in: SignIn) -> None:
    for _ in range(60):
        record_event("test.many", actor=personas.analyst)
    client = signed_in(personas.admin)
    first = client.get(URL, {"action": "test.many"})
    assert len(first.context["rows"]) == 50
    assert "action=test.many&amp;page=2" in first.content.decode()
    second = client.get(URL, {"action": "test.many", "page": "2"})
    assert [row["event"].seq for row in second.context["rows"]] == list(range(10, 0, -1))


@pytest.mark.django_db
def test_it_runs_a_constant_number_of_queries(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.admin)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    for _ in range(5):
        _events_for(personas)
    few = queries_for_page()
    for _ in range(15):
        _events_for(personas)
    assert queries_for_page() == few
    assert few <= 14  # one more than before: the last chain verification shown on top


@pytest.mark.django_db
def test_it_does_not_log_reading_the_log(personas: Personas, signed_in: SignIn) -> None:
    _events_for(personas)
    client = signed_in(personas.admin)
    before = AuditEvent.objects.count()
    client.get(URL)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["steward_a", "recorder_a", "analyst", "editor", "loner"])
def test_it_refuses_everyone_but_administrators(
    personas: Personas, signed_in: SignIn, who: str
) -> None:
    client = signed_in(getattr(personas, who))
    assert client.get(URL).status_code == 403
    denied = AuditEvent.objects.get(action="authz.denied")
    assert denied.object_id == "audit:events"


@pytest.mark.django_db
def test_it_sends_anonymous_people_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_it_refuses_post(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).post(URL).status_code == 405


@pytest.mark.django_db
def test_it_shows_details_as_fields_with_the_raw_json(
    personas: Personas, signed_in: SignIn
) -> None:
    record_event("test.alpha", details={"rows": 3, "format": "csv"})
    body = signed_in(personas.admin).get(URL).content.decode()
    assert "<dt>format</dt><dd>csv</dd><dt>rows</dt><dd>3</dd>" in body
    assert "&quot;format&quot;: &quot;csv&quot;" in body  # the raw JSON, one click away


@pytest.mark.django_db
def test_it_reads_actions_as_words_and_details_as_fields_in_local_time(
    personas: Personas, signed_in: SignIn
) -> None:
    record_event(
        "observatory.release_withdrawn",
        actor=personas.steward_a,
        object_type="release",
        object_id=4,
        details={"reason": "Linkage error", "period": 2025},
    )
    event = AuditEvent.objects.get(action="observatory.release_withdrawn")
    attacker_sql(  # as if written on 1 July at 10:00 UTC
        "UPDATE audit_auditevent SET created_at = %s WHERE seq = %s",
        [datetime(2026, 7, 1, 10, 0, tzinfo=UTC), event.seq],
    )
    page = signed_in(personas.admin).get(URL).content.decode()
    assert "Publication retirée" in page  # the action in the reader's language (French)
    assert "<dt>reason</dt><dd>Linkage error</dd>" in page  # a field, not a JSON string
    assert "Raw JSON" in page or "JSON brut" in page  # the raw JSON one click away
    assert "01/07/2026 12:00:00" in page  # Belgian order, Brussels summer time (UTC+2)


@pytest.mark.django_db
def test_it_verifies_the_chain_as_an_audited_job(
    personas: Personas, signed_in: SignIn, settings: object
) -> None:
    setattr(settings, "BALISE_JOBS_SYNC", True)  # noqa: B010 - pytest-django settings fixture
    _events_for(personas)
    client = signed_in(personas.admin)
    response = client.post(reverse("audit:verify"))
    assert response.status_code == 302
    assert "/jobs/" in response["Location"]
    assert AuditEvent.objects.filter(action="audit.verify_started").count() == 1
    verdict = AuditEvent.objects.get(action="audit.verified")
    assert verdict.details["ok"] is True
    # Every event before the verdict: the three, and the start when the job ran after it.
    assert verdict.details["checked"] in (3, 4)
    page = client.get(URL).content.decode()
    assert "data-last-verification" in page
    # A tampered event: the same check as `balise audit verify` names it.
    attacker_sql("UPDATE audit_auditevent SET details = %s WHERE seq = 2", ['{"forged": true}'])
    client.post(reverse("audit:verify"))
    broken = AuditEvent.objects.filter(action="audit.verified").order_by("-seq").first()
    assert broken is not None
    assert broken.details["ok"] is False
    assert broken.details["first_broken_seq"] == 2

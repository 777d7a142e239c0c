"""Situation routes: scoping (404 across organisations), roles, 422 field paths, identity
fields refused and audited, reads audited, filters and pages."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.situations.models import Situation
from tests.api.conftest import VALID, ApiClient, record
from tests.conftest import Personas

ApiAs = Callable[[User], ApiClient]


def test_it_lists_only_the_callers_organisation(personas: Personas, api_as: ApiAs) -> None:
    record(personas.recorder_a, "A-1")
    record(personas.recorder_a, "A-2")
    record(personas.recorder_b, "B-1")
    response = api_as(personas.recorder_a).get("/api/v1/situations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert sorted(item["reference"] for item in body["items"]) == ["A-1", "A-2"]
    assert "note" not in body["items"][0]
    assert "identity_encoding" not in body["items"][0]


def test_it_pages_and_filters(personas: Personas, api_as: ApiAs) -> None:
    for number in range(5):
        record(personas.recorder_a, f"P-{number}", gender="boy" if number % 2 else "girl")
    api = api_as(personas.recorder_a)
    page = api.get("/api/v1/situations", page=2, page_size=2).json()
    assert (page["count"], page["page"], len(page["items"])) == (5, 2, 2)
    boys = api.get("/api/v1/situations", gender="boy").json()
    assert boys["count"] == 2
    assert api.get("/api/v1/situations", q="P-3").json()["count"] == 1
    assert api.get("/api/v1/situations", page_size=1000).status_code == 422


def test_it_answers_404_for_another_organisations_situation(
    personas: Personas, api_as: ApiAs
) -> None:
    theirs = record(personas.recorder_b, "B-1")
    api = api_as(personas.steward_a)
    assert api.get(f"/api/v1/situations/{theirs.pk}").status_code == 404
    assert api.send("patch", f"/api/v1/situations/{theirs.pk}", {"gender": "boy"}).status_code == (
        404
    )
    assert api.send("put", f"/api/v1/situations/{theirs.pk}", VALID).status_code == 404
    theirs.refresh_from_db()
    assert theirs.gender == "girl"
    # Indistinguishable from an id that does not exist.
    assert (
        api.get("/api/v1/situations/999999").json()
        == api.get(f"/api/v1/situations/{theirs.pk}").json()
    )


def test_it_audits_each_read(personas: Personas, api_as: ApiAs) -> None:
    situation = record(personas.recorder_a, "A-1")
    api_as(personas.recorder_a).get(f"/api/v1/situations/{situation.pk}")
    event = AuditEvent.objects.get(action="situation.read")
    assert (event.object_id, event.details) == (str(situation.pk), {"view": "api"})
    assert event.actor_id == personas.recorder_a.pk


def test_it_creates_through_the_services(personas: Personas, api_as: ApiAs) -> None:
    response = api_as(personas.recorder_a).send(
        "post", "/api/v1/situations", {**VALID, "reference": "NEW-1", "note": "texte libre"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["reference"], body["has_note"], body["detection_month"]) == (
        "NEW-1",
        True,
        "2025-03",
    )
    situation = Situation.objects.get(pk=body["id"])
    assert situation.organisation_id == personas.org_a.pk
    event = AuditEvent.objects.get(action="situation.create")
    assert event.details == {"channel": "api"}
    assert "texte" not in str(event.details)


def test_it_patches_and_replaces(personas: Personas, api_as: ApiAs) -> None:
    situation = record(personas.recorder_a, "A-1", age_years=12)
    api = api_as(personas.recorder_a)
    patched = api.send("patch", f"/api/v1/situations/{situation.pk}", {"gender": "boy"})
    assert patched.status_code == 200
    assert (patched.json()["gender"], patched.json()["age_years"]) == ("boy", 12)
    replaced = api.send("put", f"/api/v1/situations/{situation.pk}", {**VALID, "age_years": None})
    assert replaced.status_code == 200
    assert (replaced.json()["gender"], replaced.json()["age_years"]) == ("girl", None)
    assert replaced.json()["reference"] == "A-1"


def test_it_reports_422_with_field_paths(personas: Personas, api_as: ApiAs) -> None:
    api = api_as(personas.recorder_a)
    bad_codes = api.send(
        "post", "/api/v1/situations", {**VALID, "forms": ["csam", "online_sextortion", "nope"]}
    )
    assert bad_codes.status_code == 422
    assert [(e["loc"], e["type"]) for e in bad_codes.json()["detail"]] == [
        (["body", "forms", 2], "unknown_code")
    ]
    bad_types = api.send("post", "/api/v1/situations", {**VALID, "age_years": "old"})
    assert bad_types.status_code == 422
    assert [(e["loc"], e["type"]) for e in bad_types.json()["detail"]] == [
        (["body", "age_years"], "int_parsing")
    ]
    missing = api.send("post", "/api/v1/situations", {"gender": "girl"})
    locs = sorted(tuple(e["loc"]) for e in missing.json()["detail"])
    assert locs == [
        ("body", "arrondissement"),
        ("body", "citizenship_group"),
        ("body", "detection_month"),
        ("body", "forms"),
        ("body", "status"),
    ]
    assert not Situation.objects.exists()


def test_it_reports_a_duplicate_reference(personas: Personas, api_as: ApiAs) -> None:
    record(personas.recorder_a, "SAME")
    response = api_as(personas.recorder_a).send(
        "post", "/api/v1/situations", {**VALID, "reference": "SAME"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reference"]
    assert response.json()["detail"][0]["type"] == "duplicate"


def test_it_refuses_identity_fields_and_audits_without_values(
    personas: Personas, api_as: ApiAs
) -> None:
    response = api_as(personas.recorder_a).send(
        "post",
        "/api/v1/situations",
        {**VALID, "first_name": "Aïcha", "date_de_naissance": "2010-02-01"},
    )
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [
        (["body", "date_de_naissance"], "identity_field"),
        (["body", "first_name"], "identity_field"),
    ]
    event = AuditEvent.objects.get(action="security.identity_field_refused")
    assert event.details == {"fields": ["date_de_naissance", "first_name"], "channel": "api"}
    assert event.actor_id == personas.recorder_a.pk
    assert "Aïcha" not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert not Situation.objects.exists()


def test_it_forbids_people_without_an_organisation_role(personas: Personas, api_as: ApiAs) -> None:
    api = api_as(personas.analyst)
    assert api.get("/api/v1/situations").status_code == 403
    assert api.send("post", "/api/v1/situations", VALID).status_code == 403
    assert AuditEvent.objects.filter(action="authz.denied").count() == 2


def test_it_needs_a_token(personas: Personas, client: Client) -> None:
    situation = record(personas.recorder_a, "A-1")
    assert client.get("/api/v1/situations").status_code == 401
    assert client.get(f"/api/v1/situations/{situation.pk}").status_code == 401
    headers = {"Authorization": "Bearer bal_00000000_nope"}
    assert client.get("/api/v1/situations", headers=headers).status_code == 401
    # A signed-in browser session is not an API credential.
    client.force_login(personas.recorder_a)
    assert client.get("/api/v1/situations").status_code == 401


def test_it_refuses_wrong_methods(personas: Personas, api_as: ApiAs) -> None:
    situation = record(personas.recorder_a, "A-1")
    api = api_as(personas.recorder_a)
    assert api.send("delete", f"/api/v1/situations/{situation.pk}", {}).status_code == 405
    assert api.send("put", "/api/v1/situations", VALID).status_code == 405


def test_it_answers_rule_errors_in_the_requested_language(
    personas: Personas, api_as: ApiAs
) -> None:
    api = api_as(personas.recorder_a)
    response = api.client.post(
        "/api/v1/situations",
        {**VALID, "forms": ["nope"]},
        content_type="application/json",
        headers={**api.headers, "Accept-Language": "nl"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("nope is geen geldige keuze.")


def test_it_needs_no_csrf_token_with_a_bearer_token(personas: Personas, db: None) -> None:
    from tests.api.conftest import token_for

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/situations",
        VALID,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(personas.recorder_a)}"},
    )
    assert response.status_code == 201


def test_it_refuses_identity_fields_in_the_query_string(
    personas: Personas, api_as: ApiAs, client: Client
) -> None:
    response = api_as(personas.recorder_a).get("/api/v1/situations", voornaam="Aïcha", page=1)
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [
        (["query", "voornaam"], "identity_field")
    ]
    # Public routes too, with no actor to name.
    assert client.get("/api/v1/dictionary", {"dob": "2011"}).status_code == 422
    events = AuditEvent.objects.filter(action="security.identity_field_refused")
    assert [e.details for e in events] == [
        {"fields": ["voornaam"], "channel": "api"},
        {"fields": ["dob"], "channel": "api"},
    ]
    assert "Aïcha" not in str(list(events.values_list("details", flat=True)))


def test_it_lists_with_a_constant_number_of_queries(personas: Personas, api_as: ApiAs) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(personas.recorder_a)
    record(personas.recorder_a, "Q-0")
    api.get("/api/v1/situations")  # the token's last use is written once a minute at most
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/situations").status_code == 200
    for number in range(1, 8):
        record(personas.recorder_a, f"Q-{number}")
    with CaptureQueriesContext(connection) as many:
        assert api.get("/api/v1/situations").json()["count"] == 8
    assert len(many.captured_queries) == len(few.captured_queries)

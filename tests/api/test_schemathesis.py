"""Schemathesis over the whole API (WSGI, in process) with tokens of two organisations:
no server error, and nothing of one organisation ever read or written by the other."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import (
    CoveragePhaseConfig,
    PhasesConfig,
    ProjectConfig,
    ProjectsConfig,
    SchemathesisConfig,
)

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.situations.models import Situation
from tests.api.conftest import record, token_for
from tests.conftest import Personas

# The coverage phase (boundary and negative values for every parameter, ~1,700 calls here) runs
# when BALISE_SCHEMATHESIS_FULL=1; the suite runs the bounded fuzzing phase only.
FULL = os.environ.get("BALISE_SCHEMATHESIS_FULL") == "1"
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=SchemathesisConfig(
        projects=ProjectsConfig(
            default=ProjectConfig(phases=PhasesConfig(coverage=CoveragePhaseConfig(enabled=FULL)))
        )
    ),
)


def _ids_in(body: Any) -> set[int]:
    """Ids of situations in a response body (one situation or a page of them)."""
    if not isinstance(body, dict):
        return set()
    page = body.get("items")
    items: list[Any] = page if isinstance(page, list) else [body]
    return {item["id"] for item in items if isinstance(item, dict) and "reference" in item}


CALLS: list[int] = []
# No 5xx; only documented status codes; bodies that match the documented schemas.
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
Caller = tuple[User, dict[str, str], list[int]]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request (PostgreSQL would lose
    the test's transaction); Django's own test client switches this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(personas: Personas) -> list[Caller]:
    """Each caller with its token header and the ids of the *other* organisation's situations."""
    alpha = [record(personas.recorder_a, f"ALPHA-{n}").pk for n in range(3)]
    bravo = [record(personas.recorder_b, f"BRAVO-{n}").pk for n in range(3)]
    return [
        (user, {"Authorization": f"Bearer {token_for(user)}"}, others)
        for user, others in ((personas.steward_a, bravo), (personas.recorder_b, alpha))
    ]


def _check_reads(user: User, response: Any) -> None:
    if response.status_code in (200, 201):
        assert user.organisation_id is not None
        ids = _ids_in(response.json())
        foreign = Situation.objects.filter(pk__in=ids).exclude(organisation_id=user.organisation_id)
        assert not foreign.exists(), f"{user} read {list(foreign.values_list('pk', flat=True))}"


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_has_no_server_error_and_no_cross_organisation_access(
    case: schemathesis.Case[Any], callers: list[Caller]
) -> None:
    for user, headers, others in callers:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        _check_reads(user, response)
        CALLS.append(1)
        if case.path_parameters and "situation_id" in case.path_parameters:
            # Random ids rarely hit a real row: aim the same request at the other organisation.
            case.path_parameters["situation_id"] = others[len(CALLS) % len(others)]
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            _check_reads(user, response)
            assert response.status_code not in (200, 201), response.status_code
    # Every write lands in the writer's own organisation.
    organisation_of: dict[int | None, int | None] = {
        user.pk: user.organisation_id for user, _headers, _others in callers
    }
    writes = AuditEvent.objects.filter(action__in=["situation.create", "situation.update"])
    for actor_id, organisation_id in writes.values_list("actor_id", "organisation_id"):
        assert organisation_of.get(actor_id, organisation_id) == organisation_id

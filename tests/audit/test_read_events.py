"""Reads the audit log records beyond single situations: the situations list page, job pages,
and look-ups refused because the object belongs to another organisation (ASVS 16.3.2). Never
content; at most one event per person, action and kind of object (or object) a minute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.jobs.models import Job
from balise.jobs.services import job_enqueue
from balise.situations.models import Situation
from balise.situations.services import situation_create
from tests.accounts.helpers import events
from tests.conftest import Personas
from tests.jobs import handlers
from tests.situations.conftest import RecordSituation, valid_data

SignIn = Callable[..., Client]
LIST = reverse("situations:list")


@pytest.fixture
def record_situation() -> RecordSituation:
    def _record(actor: User, **overrides: Any) -> Situation:
        assert actor.organisation is not None
        return situation_create(
            actor=actor, organisation=actor.organisation, data=valid_data(**overrides)
        )

    return _record


@pytest.fixture(autouse=True)
def _queue_only(settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"


def test_it_records_the_list_page_once_a_minute(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    record_situation(personas.recorder_a, reference="DOSS-A-1")
    client = signed_in(personas.recorder_a)
    assert client.get(LIST).status_code == 200
    assert client.get(LIST, {"page": 1}).status_code == 200  # reloads and pages: noise
    (event,) = events("situation.list")
    assert event.actor_id == personas.recorder_a.pk
    assert event.organisation_id == personas.org_a.pk
    assert event.details == {"view": "page", "count": 1, "page": 1}
    assert "DOSS-A-1" not in str(event.details)  # counts, never references or content
    # Someone else's reads are their own.
    signed_in(personas.steward_a).get(LIST)
    assert len(events("situation.list")) == 2


def test_it_records_every_read_without_a_window(
    personas: Personas, signed_in: SignIn, settings: LazySettings
) -> None:
    settings.AUDIT_READ_WINDOW_SECONDS = 0
    client = signed_in(personas.recorder_a)
    client.get(LIST)
    client.get(LIST)
    assert len(events("situation.list")) == 2


def test_it_records_a_look_up_of_another_organisations_situation(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    theirs = record_situation(personas.recorder_b, reference="DOSS-B-1")
    other = record_situation(personas.recorder_b, reference="DOSS-B-2")
    client = signed_in(personas.recorder_a)
    url = reverse("situations:detail", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404  # the same one again: one event
    missing = reverse("situations:detail", args=[other.pk + 1000])
    assert client.get(missing).status_code == 404  # does not exist: nothing to record
    assert client.get(reverse("situations:detail", args=[other.pk])).status_code == 404
    refused = events("authz.not_visible")
    assert [(e.object_type, e.object_id) for e in refused] == [
        ("situation", str(theirs.pk)),
        ("situation", str(other.pk)),
    ]
    assert refused[0].actor_id == personas.recorder_a.pk
    assert refused[0].organisation_id == personas.org_a.pk  # the asker's, not the owner's
    assert refused[0].details == {"reason": "other organisation"}
    assert not events("situation.read")


def test_it_records_a_look_up_of_another_organisations_member(
    personas: Personas, signed_in: SignIn
) -> None:
    client = signed_in(personas.steward_a)
    url = reverse("accounts:member_deactivate", args=[personas.recorder_b.pk])
    assert client.post(url).status_code == 404
    (event,) = events("authz.not_visible")
    assert (event.object_type, event.object_id) == ("user", str(personas.recorder_b.pk))


def test_it_records_job_pages_once_a_minute_per_job(personas: Personas, signed_in: SignIn) -> None:
    job = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 2})
    client = signed_in(personas.steward_a)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    for _ in range(3):  # the page polls its progress
        assert client.get(reverse("jobs:progress", args=[job.pk])).status_code == 200
    (event,) = events("job.read")
    assert (event.object_type, event.object_id) == ("job", str(job.pk))
    assert event.details == {"view": "detail", "kind": "count_to"}
    second = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 2})
    client.get(reverse("jobs:detail", args=[second.pk]))
    assert [e.object_id for e in events("job.read")] == [str(job.pk), str(second.pk)]


def test_it_records_a_look_up_of_another_organisations_job(
    personas: Personas, signed_in: SignIn
) -> None:
    theirs = job_enqueue(handler=handlers.count_to, owner=personas.steward_b, params={"n": 2})
    client = signed_in(personas.steward_a)
    assert client.get(reverse("jobs:detail", args=[theirs.pk])).status_code == 404
    (event,) = events("authz.not_visible")
    assert (event.object_type, event.object_id) == ("job", str(theirs.pk))
    assert not events("job.read")
    assert Job.objects.filter(pk=theirs.pk).exists()

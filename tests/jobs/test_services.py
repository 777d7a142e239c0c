from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import LazySettings
from django.utils import timezone

from balise.jobs.models import Job
from balise.jobs.services import job_enqueue, purge_payloads, reap_stale, run_job, run_queued
from tests.conftest import Personas
from tests.jobs import handlers


@pytest.fixture(autouse=True)
def _queue_only(settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"


def test_it_runs_a_job_and_records_progress(personas: Personas) -> None:
    handlers.SEEN_PROGRESS.clear()
    job = job_enqueue(
        handler=handlers.count_to, owner=personas.steward_a, params={"n": 3}, payload=b"abc"
    )
    assert job.status == Job.Status.QUEUED
    assert job.organisation_id == personas.org_a.pk

    job = run_job(job.pk)

    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"counted": 3, "payload_bytes": 3}
    assert job.percent == 100
    assert job.started_at is not None
    assert job.finished_at is not None
    # The last step is always written, so the page sees the end of the count.
    assert handlers.SEEN_PROGRESS[-1] == (3, 3)
    job.refresh_from_db()
    assert bytes(job.payload) == b""


def test_it_keeps_the_payload_when_asked(personas: Personas) -> None:
    job = job_enqueue(
        handler=handlers.count_to,
        owner=personas.steward_a,
        params={"n": 1, "keep_payload": True},
        payload=b"abc",
    )
    run_job(job.pk)
    job.refresh_from_db()
    assert bytes(job.payload) == b"abc"


def test_it_shows_a_job_error_to_the_owner(personas: Personas) -> None:
    job = job_enqueue(handler=handlers.refuse, owner=personas.steward_a)
    job = run_job(job.pk)
    assert job.status == Job.Status.FAILED
    assert job.error == "The file is not what we expected."


def test_it_hides_an_unexpected_error(personas: Personas) -> None:
    job = job_enqueue(handler=handlers.crash, owner=personas.steward_a, params={"language": "en"})
    job = run_job(job.pk)
    assert job.status == Job.Status.FAILED
    assert "secret" not in job.error
    assert job.error == "The job stopped because of an unexpected error."


def test_it_refuses_a_function_not_marked_as_handler(personas: Personas) -> None:
    job = Job.objects.create(
        kind="tests.jobs.handlers.not_a_handler", owner=personas.steward_a, params={}
    )
    assert run_job(job.pk).status == Job.Status.FAILED


def test_it_runs_a_job_only_once(personas: Personas) -> None:
    job = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 1})
    run_job(job.pk)
    Job.objects.filter(pk=job.pk).update(result={"counted": "first run"})
    assert run_job(job.pk).result == {"counted": "first run"}


def test_it_runs_queued_jobs_in_order(personas: Personas) -> None:
    first = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 1})
    second = job_enqueue(handler=handlers.refuse, owner=personas.steward_b)
    assert run_queued() == 2
    assert Job.objects.get(pk=first.pk).status == Job.Status.SUCCEEDED
    assert Job.objects.get(pk=second.pk).status == Job.Status.FAILED
    assert run_queued() == 0


def test_it_runs_inline_when_sync(personas: Personas, settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = True
    job = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 2})
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


def test_it_reaps_stale_running_jobs(personas: Personas) -> None:
    job = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 1})
    long_ago = timezone.now() - timedelta(hours=3)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=long_ago)
    fresh = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 1})
    Job.objects.filter(pk=fresh.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())

    assert reap_stale(older_than=timedelta(hours=2)) == 1

    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    assert Job.objects.get(pk=fresh.pk).status == Job.Status.RUNNING


def test_it_purges_old_payloads_of_finished_jobs(personas: Personas) -> None:
    job = job_enqueue(
        handler=handlers.count_to,
        owner=personas.steward_a,
        params={"n": 1, "keep_payload": True},
        payload=b"rows",
    )
    run_job(job.pk)
    assert purge_payloads(older_than=timedelta(hours=1)) == 0
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert purge_payloads(older_than=timedelta(hours=1)) == 1
    job.refresh_from_db()
    assert bytes(job.payload) == b""


def test_it_scopes_jobs_to_the_organisation(personas: Personas) -> None:
    mine = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 1})
    analyst_job = job_enqueue(handler=handlers.count_to, owner=personas.analyst, params={"n": 1})
    assert list(Job.objects.visible_to(personas.recorder_a)) == [mine]
    assert list(Job.objects.visible_to(personas.recorder_b)) == []
    assert list(Job.objects.visible_to(personas.analyst)) == [analyst_job]
    assert list(Job.objects.visible_to(personas.editor)) == []

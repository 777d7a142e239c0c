from __future__ import annotations

import time

import pytest
from django.conf import LazySettings
from django.db import transaction

from balise.accounts.models import Organisation, OrgRole, Region, Sector, User
from balise.jobs.models import Job
from balise.jobs.services import job_enqueue
from tests.jobs import handlers


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_job_on_a_thread_after_commit(settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "thread"
    org = Organisation.objects.create(name="Org", sector=Sector.POLICE, region=Region.BRUSSELS)
    owner = User.objects.create_user(
        "s@example.org", "x", organisation=org, org_role=OrgRole.STEWARD
    )
    with transaction.atomic():
        job = job_enqueue(handler=handlers.count_to, owner=owner, params={"n": 2})
        # Not started before the row is committed: a thread could not even see it yet.
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.05)
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["counted"] == 2


@pytest.mark.django_db(transaction=True)
def test_it_retries_a_job_when_the_database_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

    from balise.jobs import services

    org = Organisation.objects.create(name="Org", sector=Sector.POLICE, region=Region.BRUSSELS)
    owner = User.objects.create_user(
        "s@example.org", "x", organisation=org, org_role=OrgRole.STEWARD
    )
    job = job_enqueue(handler=handlers.count_to, owner=owner, params={"n": 1}, start=False)
    real_run_job = services.run_job
    calls: list[int] = []

    def busy_once(job_id: int) -> Job:
        calls.append(job_id)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real_run_job(job_id)

    monkeypatch.setattr(services, "run_job", busy_once)
    monkeypatch.setattr("balise.jobs.services.time.sleep", lambda seconds: None)
    services._run_in_thread(job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert calls == [job.pk, job.pk]

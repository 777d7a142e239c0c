from __future__ import annotations

import threading

import pytest
from django.conf import LazySettings
from django.db import transaction

from balise.accounts.models import Organisation, OrgRole, Region, Sector, User
from balise.jobs import services
from balise.jobs.models import Job
from balise.jobs.services import WorkerPool, job_enqueue, job_pool
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
    job_pool().join()  # the commit handed the job to the pool; wait for it to run
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["counted"] == 2


@pytest.mark.django_db(transaction=True)
def test_it_retries_a_job_when_the_database_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError

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


def test_it_runs_at_most_the_pool_size_at_once() -> None:
    """Six uploads at once: two threads run, four jobs wait in the queue (no thread each)."""
    release = threading.Event()
    started = threading.Semaphore(0)
    lock = threading.Lock()
    running, peak, done = [0], [0], []

    def run(job_id: int) -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        started.release()
        release.wait(timeout=60)
        with lock:
            running[0] -= 1
            done.append(job_id)

    pool = WorkerPool(size=2, run=run, name="test-pool")
    for job_id in range(6):
        pool.submit(job_id)
    assert started.acquire(timeout=60)
    assert started.acquire(timeout=60)
    # Both threads hold a job and wait for the release: the other four are still queued.
    assert pool.threads == 2
    assert pool.pending == 4
    release.set()
    pool.join()
    assert sorted(done) == list(range(6))
    assert peak[0] == 2
    assert pool.threads == 2  # the same two threads, kept for the next jobs


def test_it_keeps_a_worker_thread_after_a_job_raises() -> None:
    ran: list[int] = []

    def run(job_id: int) -> None:
        ran.append(job_id)
        if job_id == 1:
            raise RuntimeError("boom")

    pool = WorkerPool(size=1, run=run, name="test-pool-errors")
    pool.submit(1)
    pool.submit(2)
    pool.join()
    assert ran == [1, 2]
    assert pool.threads == 1


def test_it_sizes_the_web_pool_from_the_settings(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.BALISE_JOBS_THREADS = 3
    monkeypatch.setattr(services, "_pool", None)
    assert job_pool().size == 3
    assert job_pool() is job_pool()

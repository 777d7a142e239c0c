from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.utils import timezone, translation

from balise.jobs.models import Job
from balise.jobs.services import job_enqueue
from tests.conftest import Personas
from tests.jobs import handlers


@pytest.fixture(autouse=True)
def _queue_only(settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"


def test_it_works_through_the_queue_once(personas: Personas) -> None:
    for _ in range(2):
        job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 2})
    out = StringIO()
    call_command("jobs", "work", "--once", stdout=out)
    assert out.getvalue().strip() == "2 job(s) run"
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.SUCCEEDED}


def test_it_reaps(personas: Personas) -> None:
    job = job_enqueue(handler=handlers.count_to, owner=personas.steward_a, params={"n": 2})
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(minutes=30)
    )
    out = StringIO()
    call_command("jobs", "reap", "--minutes", "10", stdout=out)
    assert out.getvalue().strip() == "1 stale job(s) failed, 0 upload(s) dropped"


def test_it_tells_each_owner_in_their_language_why_a_reaped_job_stopped(
    personas: Personas,
) -> None:
    jobs = {}
    for language in ("nl", "en"):
        with translation.override(language):
            jobs[language] = job_enqueue(
                handler=handlers.count_to, owner=personas.steward_a, params={"n": 2}
            )
    Job.objects.update(status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(hours=3))
    call_command("jobs", "reap", stdout=StringIO())
    english = "The job was interrupted (the server restarted). Please start it again."
    assert Job.objects.get(pk=jobs["en"].pk).error == english
    with translation.override("nl"):
        dutch = translation.gettext(english)
    assert dutch != english
    assert Job.objects.get(pk=jobs["nl"].pk).error == dutch
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.FAILED}

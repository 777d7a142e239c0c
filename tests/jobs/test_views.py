from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import LazySettings
from django.test import Client

from balise.jobs.models import Job
from balise.jobs.services import job_enqueue, run_job
from tests.conftest import Personas
from tests.jobs import handlers

SignIn = Callable[..., Client]


@pytest.fixture(autouse=True)
def _queue_only(settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"


def _job(personas: Personas, **params: object) -> Job:
    return job_enqueue(
        handler=handlers.count_to, owner=personas.steward_a, params={"n": 4, **params}
    )


def test_it_shows_a_queued_job_that_polls(personas: Personas, signed_in: SignIn) -> None:
    job = _job(personas)
    client = signed_in(personas.recorder_a)
    response = client.get(f"/jobs/{job.pk}/")
    assert response.status_code == 200
    assert f'hx-get="/jobs/{job.pk}/progress/"' in response.content.decode()
    assert 'hx-trigger="every 1s"' in response.content.decode()


def test_it_stops_polling_and_redirects_when_done(personas: Personas, signed_in: SignIn) -> None:
    job = _job(personas, result_url="/somewhere/")
    run_job(job.pk)
    client = signed_in(personas.steward_a)
    response = client.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/somewhere/"
    assert "hx-trigger" not in response.content.decode()
    assert 'value="100"' in response.content.decode()


def test_it_answers_404_to_another_organisation(personas: Personas, signed_in: SignIn) -> None:
    job = _job(personas)
    client = signed_in(personas.steward_b)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/progress/").status_code == 404


def test_it_answers_404_to_a_platform_user(personas: Personas, signed_in: SignIn) -> None:
    job = _job(personas)
    client = signed_in(personas.analyst)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_it_sends_anonymous_people_to_sign_in(personas: Personas, client: Client) -> None:
    job = _job(personas)
    response = client.get(f"/jobs/{job.pk}/progress/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_refuses_post(personas: Personas, signed_in: SignIn) -> None:
    job = _job(personas)
    client = signed_in(personas.steward_a)
    assert client.post(f"/jobs/{job.pk}/").status_code == 405
    assert client.post(f"/jobs/{job.pk}/progress/").status_code == 405


def test_it_shows_an_indeterminate_bar_without_a_total(
    personas: Personas, signed_in: SignIn
) -> None:
    job = _job(personas)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress_done=0, progress_total=0, stage="writing"
    )
    page = signed_in(personas.steward_a).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "<progress aria-label=" in page
    assert "value=" not in page
    assert "enregistrement" in page  # the stage, a message id, in the reader's language (fr)

"""The import pages: upload, check, confirm, errors CSV, template; roles and organisations."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from balise.jobs.models import Job
from balise.jobs.services import run_queued
from balise.situations.models import Situation
from tests.conftest import Personas
from tests.importing.conftest import corpus

SignIn = Callable[..., Client]


def _upload(client: Client, name: str, content: bytes | None = None) -> Job:
    data = content if content is not None else corpus(name)
    response = client.post(
        "/situations/import/", {"file": SimpleUploadedFile(name, data, "text/csv")}
    )
    assert response.status_code == 302, response.content
    job = Job.objects.latest("pk")
    assert response["Location"] == f"/situations/import/{job.pk}/"
    return job


def test_it_shows_the_upload_form_to_a_steward(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.steward_a).get("/situations/import/")
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_it_checks_then_imports_on_confirmation(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.steward_a)
    check = _upload(client, "belgian_bom.csv")
    assert Situation.objects.count() == 0
    page = client.get(f"/situations/import/{check.pk}/")
    assert page.status_code == 200
    assert f'action="/situations/import/{check.pk}/confirm/"' in page.content.decode()

    response = client.post(f"/situations/import/{check.pk}/confirm/")
    assert response.status_code == 302
    apply = Job.objects.latest("pk")
    assert apply.params["mode"] == "apply"
    assert apply.status == Job.Status.SUCCEEDED
    assert (apply.result["created"], apply.result["updated"]) == (2, 0)
    assert Situation.objects.filter(organisation=personas.org_a).count() == 2
    done = client.get(response["Location"]).content.decode()
    assert '<a class="button" href="/situations/">' in done  # a way to the imported situations
    # The upload is gone from both jobs, and the check cannot be confirmed twice.
    check.refresh_from_db()
    apply.refresh_from_db()
    assert bytes(check.payload) == b""
    assert bytes(apply.payload) == b""
    assert client.post(f"/situations/import/{check.pk}/confirm/").status_code == 404


def test_it_shows_every_error_and_offers_them_as_csv(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.steward_a)
    job = _upload(client, "unknown_codes.csv")
    page = client.get(f"/situations/import/{job.pk}/").content.decode()
    assert "martian" in page
    assert "/confirm/" not in page
    csv_response = client.get(f"/situations/import/{job.pk}/errors.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4  # header + three problems
    assert lines[1].startswith("2;gender;martian;")
    assert client.post(f"/situations/import/{job.pk}/confirm/").status_code == 404


def test_it_refuses_an_oversize_upload_before_reading_it(
    personas: Personas, signed_in: SignIn, settings: LazySettings
) -> None:
    settings.BALISE_IMPORT_MAX_BYTES = 1_048_576
    client = signed_in(personas.steward_a)
    big = SimpleUploadedFile("big.csv", b"x" * 1_048_577, "text/csv")
    response = client.post("/situations/import/", {"file": big})
    assert response.status_code == 422
    assert Job.objects.count() == 0


def test_it_runs_large_files_as_a_background_job(
    personas: Personas, signed_in: SignIn, settings: LazySettings
) -> None:
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"
    settings.BALISE_IMPORT_SYNC_ROWS = 1
    client = signed_in(personas.steward_a)
    job = _upload(client, "belgian_bom.csv")
    assert job.status == Job.Status.QUEUED
    page = client.get(f"/situations/import/{job.pk}/").content.decode()
    assert f'hx-get="/jobs/{job.pk}/progress/"' in page

    assert run_queued() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (2, 2)
    progress = client.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert progress["HX-Redirect"] == f"/situations/import/{job.pk}/"


def test_it_serves_a_template(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.steward_a).get("/situations/import/template.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("record_id;balise_encoding;")


@pytest.mark.parametrize(
    "url",
    [
        "/situations/import/",
        "/situations/import/template.csv",
        "/situations/import/{pk}/",
        "/situations/import/{pk}/errors.csv",
    ],
)
def test_it_forbids_recorders(personas: Personas, signed_in: SignIn, url: str) -> None:
    job = _upload(signed_in(personas.steward_a), "belgian_bom.csv")
    response = signed_in(personas.recorder_a).get(url.format(pk=job.pk))
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["/situations/import/{pk}/", "/situations/import/{pk}/errors.csv"])
def test_it_hides_jobs_of_another_organisation(
    personas: Personas, signed_in: SignIn, url: str
) -> None:
    job = _upload(signed_in(personas.steward_a), "belgian_bom.csv")
    response = signed_in(personas.steward_b).get(url.format(pk=job.pk))
    assert response.status_code == 404


def test_it_cannot_confirm_another_organisations_check(
    personas: Personas, signed_in: SignIn
) -> None:
    job = _upload(signed_in(personas.steward_a), "belgian_bom.csv")
    response = signed_in(personas.steward_b).post(f"/situations/import/{job.pk}/confirm/")
    assert response.status_code == 404
    assert Situation.objects.count() == 0


def test_it_sends_anonymous_people_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/situations/import/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "/situations/import/"),
        ("post", "/situations/import/template.csv"),
        ("post", "/situations/import/{pk}/"),
        ("get", "/situations/import/{pk}/confirm/"),
        ("post", "/situations/import/{pk}/errors.csv"),
    ],
)
def test_it_refuses_wrong_methods(
    personas: Personas, signed_in: SignIn, method: str, url: str
) -> None:
    client = signed_in(personas.steward_a)
    job = _upload(client, "belgian_bom.csv")
    response = getattr(client, method)(url.format(pk=job.pk))
    assert response.status_code == 405


def test_it_sends_a_large_file_with_cr_line_endings_to_the_background(
    personas: Personas, signed_in: SignIn, settings: LazySettings
) -> None:
    # Old Mac exports end lines with CR alone; the size estimate must count them as rows.
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"
    settings.BALISE_IMPORT_SYNC_ROWS = 1
    content = corpus("belgian_bom.csv").replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    assert b"\n" not in content
    job = _upload(signed_in(personas.steward_a), "mac.csv", content)
    assert job.status == Job.Status.QUEUED
    assert run_queued() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (2, 2)

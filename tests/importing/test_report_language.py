"""The import error report follows the reader's language, not the language of the check."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from balise.jobs.models import Job
from balise.situations.importing import ImportRefused, localised_issues, read_table, run_import
from tests.conftest import Personas
from tests.importing.conftest import corpus

SignIn = Callable[..., Client]


def _check(client: Client, name: str, content: bytes) -> Job:
    response = client.post(
        "/situations/import/", {"file": SimpleUploadedFile(name, content, "text/csv")}
    )
    assert response.status_code == 302, response.content
    return Job.objects.latest("pk")


def test_it_shows_row_problems_in_the_readers_language(
    personas: Personas, signed_in: SignIn
) -> None:
    client = signed_in(personas.steward_a)
    client.cookies["balise-language"] = "fr"
    job = _check(client, "unknown_codes.csv", corpus("unknown_codes.csv"))
    french = client.get(f"/situations/import/{job.pk}/").content.decode()
    assert "martian n&#x27;est pas un choix valide." in french

    client.cookies["balise-language"] = "nl"
    dutch = client.get(f"/situations/import/{job.pk}/").content.decode()
    assert "martian is geen geldige keuze." in dutch
    assert "n&#x27;est pas un choix valide" not in dutch
    lines = client.get(f"/situations/import/{job.pk}/errors.csv").content.decode("utf-8-sig")
    assert "martian is geen geldige keuze." in lines
    assert lines.startswith("Rij;Kolom;")


def test_it_keeps_file_problems_in_every_language(personas: Personas) -> None:
    content = corpus("unknown_codes.csv").replace(b"places", b"colour", 1)
    with translation.override("en"):
        result = run_import(
            content, actor=personas.steward_a, organisation=personas.org_a, apply=False
        )
    (issue,) = result["errors"]
    assert issue["reason"] == "Unknown column “colour”. See the list of accepted columns."
    assert set(issue["reasons"]) == {"fr", "nl", "en"}
    with translation.override("nl"):
        (shown,) = localised_issues(result["errors"])
    assert shown["reason"] == "Onbekende kolom ‘colour’. Zie de lijst van aanvaarde kolommen."


def test_it_falls_back_to_the_stored_reason_for_older_reports() -> None:
    stored = [{"row": 2, "column": "gender", "value": "x", "reason": "old", "code": "c"}]
    with translation.override("nl"):
        assert localised_issues(stored)[0]["reason"] == "old"


def test_it_renders_reading_problems_in_each_language() -> None:
    try:
        read_table(b"\xd0\xcf\x11\xe0 old excel")
    except ImportRefused as refused:
        (issue,) = refused.issues
    else:
        raise AssertionError("an .xls file must be refused")
    assert issue.reasons["en"].startswith("Old Excel files (.xls) are not accepted.")
    assert issue.reasons["fr"] != issue.reasons["en"]
    assert issue.reasons["nl"] != issue.reasons["en"]


def test_it_shows_the_stage_and_the_error_of_an_import_job_in_the_readers_language(
    personas: Personas, signed_in: SignIn, settings: LazySettings
) -> None:
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"
    settings.BALISE_IMPORT_SYNC_ROWS = 0
    client = signed_in(personas.steward_a)
    job = _check(client, "belgian_bom.csv", corpus("belgian_bom.csv"))
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, stage="checking the rows")
    client.cookies["balise-language"] = "nl"
    page = client.get(f"/situations/import/{job.pk}/").content.decode()
    assert "rijen controleren" in page
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED,
        error="Only a steward of the organisation can import situations.",
    )
    page = client.get(f"/situations/import/{job.pk}/").content.decode()
    assert "Alleen een beheerder van de organisatie kan situaties importeren." in page


def test_it_keeps_the_stages_as_message_ids(personas: Personas) -> None:
    stages: list[str] = []

    def progress(done: int, total: int | None = None, *, stage: str | None = None) -> None:
        if stage:
            stages.append(stage)

    with translation.override("nl"):
        run_import(
            corpus("belgian_bom.csv"),
            actor=personas.steward_a,
            organisation=personas.org_a,
            apply=False,
            progress=progress,
        )
    assert stages == ["reading the file", "checking the rows"]

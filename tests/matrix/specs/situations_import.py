"""Access specs of the bulk import pages: stewards, their own organisation's imports only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from balise.accounts.models import User
from balise.jobs.services import job_enqueue, run_job
from balise.situations.importing import import_job
from tests.conftest import Personas
from tests.matrix.harness import STEWARDS, UrlSpec

CSV = (
    b"record_id;detection_month;arrondissement;gender;citizenship_group;forms;status\r\n"
    b"M-1;2025-03;21000;girl;belgian;csam;presumed\r\n"
)


def _checked(steward: User) -> Mapping[str, Any]:
    """A finished, valid check of a one-row file, ready to be confirmed."""
    job = job_enqueue(
        handler=import_job,
        owner=steward,
        params={"mode": "check", "keep_payload": True, "language": "en"},
        payload=CSV,
        start=False,
    )
    run_job(job.pk)
    return {"pk": job.pk}


def _own(personas: Personas) -> Mapping[str, Any]:
    return _checked(personas.steward_a)


def _other(personas: Personas) -> Mapping[str, Any]:
    return _checked(personas.steward_b)


def _upload(personas: Personas) -> Mapping[str, Any]:
    return {"file": SimpleUploadedFile("situations.csv", CSV, "text/csv")}


SPECS = [
    UrlSpec("situations_import:upload", {"GET": STEWARDS, "POST": STEWARDS}, data=_upload),
    UrlSpec("situations_import:template", {"GET": STEWARDS}),
    UrlSpec(
        "situations_import:template_file",
        {"GET": STEWARDS},
        kwargs=lambda p: {"language": "nl", "file_format": "xlsx"},
    ),
    UrlSpec("situations_import:result", {"GET": STEWARDS}, kwargs=_own, other_kwargs=_other),
    UrlSpec("situations_import:confirm", {"POST": STEWARDS}, kwargs=_own, other_kwargs=_other),
    UrlSpec("situations_import:errors_csv", {"GET": STEWARDS}, kwargs=_own, other_kwargs=_other),
]

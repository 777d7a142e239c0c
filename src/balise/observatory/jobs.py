"""Background job handlers: a linkage run and a release preview, with progress."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext as _

from balise.jobs.models import Job
from balise.jobs.services import JobError, ReportProgress, job_handler
from balise.observatory.models import Release
from balise.observatory.releases.common import ReleaseError
from balise.observatory.runs import linkage_run
from balise.observatory.services import dashboards_warm, release_preview
from balise.situations.encodings import EncodingIntegrityError


@job_handler
def linkage_job(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    def report(done: int, total: int | None = None, stage: str | None = None) -> None:
        progress(done, total, stage=stage)

    try:
        run = linkage_run(actor=job.owner, progress=report)
        report(0, None, "dashboards")
        dashboards_warm(run=run)
    except (EncodingIntegrityError, ImproperlyConfigured):
        raise JobError(
            _(
                "The stored identity encodings cannot be decrypted with this server's "
                "BALISE_ENCODINGS_KEY. Nothing was changed; ask the operator to restore the key."
            )
        ) from None
    return {
        "run": run.pk,
        "situations": run.situations,
        "children": run.children,
        "next_url": reverse("observatory:linkage"),
    }


@job_handler
def release_preview_job(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    release = Release.objects.filter(pk=job.params.get("release")).first()
    if release is None:
        raise JobError("This release no longer exists.")
    progress(0, 1, stage="protecting")

    def report(done: int, total: int, stage: str) -> None:
        progress(done, total, stage=stage[:32])  # Job.stage holds 32 characters

    try:
        release_preview(actor=job.owner, release=release, progress=report)
    except ReleaseError as exc:
        raise JobError(str(exc)) from None
    progress(1, 1, stage="done")
    return {
        "release": release.pk,
        "next_url": reverse("observatory:release_detail", args=[release.pk]),
    }

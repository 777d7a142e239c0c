"""Background job handlers: a linkage run and a release preview, with progress."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from balise.jobs.models import Job
from balise.jobs.services import JobError, ReportProgress, job_handler
from balise.observatory.models import Release
from balise.observatory.releases.common import ReleaseError
from balise.observatory.runs import linkage_run
from balise.observatory.services import dashboards_warm, release_preview
from balise.situations.encodings import EncodingIntegrityError

#: The stages the linkage run and the release modes report (in English, as the commands' progress
#: bars show them, with a step such as "2/6"), as a job stores them: an English message id without
#: the step (the progress fragment shows "2 of 6" itself and translates the stage for whoever
#: reads it, as the import jobs do). ``Job.stage`` holds 32 characters (PostgreSQL enforces it).
STAGES: Final[Mapping[str, str]] = {
    "reading": gettext_noop("reading the situations"),
    "clusters": gettext_noop("linking the records"),
    "quality": gettext_noop("measuring the quality"),
    "writing": gettext_noop("writing the facts"),
    "dashboards": gettext_noop("storing the dashboards"),
    "protecting": gettext_noop("protecting the tables"),
    "protecting all tables": gettext_noop("protecting the tables"),
    "coarser views": gettext_noop("comparing coarser views"),
    "perturbing table": gettext_noop("perturbing the tables"),
    "attack: cell": gettext_noop("attacking the cells"),
    "done": gettext_noop("preview ready"),
}
_STEP = re.compile(r"^(?P<name>.*?) \d+/\d+$")


def stage_label(stage: str) -> str:
    """The message id a job stores for ``stage`` ("coarser views 2/6" -> "comparing coarser
    views"); a stage it does not know is kept as it is, cut to the job row's 32 characters."""
    found = _STEP.match(stage)
    return STAGES.get(found["name"] if found else stage, stage)[:32]


@job_handler
def linkage_job(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    def report(done: int, total: int | None = None, stage: str | None = None) -> None:
        progress(done, total, stage=None if stage is None else stage_label(stage))

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
    progress(0, 1, stage=stage_label("protecting"))

    def report(done: int, total: int, stage: str) -> None:
        progress(done, total, stage=stage_label(stage))

    try:
        release_preview(actor=job.owner, release=release, progress=report)
    except ReleaseError as exc:
        raise JobError(str(exc)) from None
    progress(1, 1, stage=stage_label("done"))
    return {
        "release": release.pk,
        "next_url": reverse("observatory:release_detail", args=[release.pk]),
    }

"""Background job handlers: a linkage run and a release preview, with progress."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balise.jobs.models import Job
from balise.jobs.services import JobError, ReportProgress, job_handler
from balise.observatory.models import Release
from balise.observatory.releases.common import ReleaseError
from balise.observatory.runs import linkage_run
from balise.observatory.services import dashboards_warm, release_preview
from balise.situations.encodings import EncodingIntegrityError


#: The stages the linkage run and the release modes report (in English, as the commands' progress
#: bars show them), as the job page shows them in its owner's language. ``Job.stage`` holds 32
#: characters (PostgreSQL enforces it): every translation fits with a step as long as 9999/9999
#: (tests/observatory/test_job_stages.py).
STAGES: Final[Mapping[str, Any]] = {
    "reading": gettext_lazy("reading the situations"),
    "clusters": gettext_lazy("linking the records"),
    "quality": gettext_lazy("measuring the quality"),
    "writing": gettext_lazy("writing the facts"),
    "dashboards": gettext_lazy("storing the dashboards"),
    "protecting": gettext_lazy("protecting the tables"),
    "protecting all tables": gettext_lazy("protecting the tables"),
    "coarser views": gettext_lazy("coarser views %(step)s"),
    "perturbing table": gettext_lazy("perturbing table %(step)s"),
    "attack: cell": gettext_lazy("attack: cell %(step)s"),
    "done": gettext_lazy("preview ready"),
}
_STEP = re.compile(r"^(?P<name>.*?) (?P<step>\d+/\d+)$")


def stage_label(stage: str) -> str:
    """``stage`` in the active language ("coarser views 2/6" -> "vues plus larges 2/6")."""
    found = _STEP.match(stage)
    name, step = (found["name"], found["step"]) if found else (stage, "")
    label = STAGES.get(name)
    if label is None:
        return stage[:32]
    text = str(label) % {"step": step} if step else str(label)
    return text[:32]  # Job.stage holds 32 characters


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

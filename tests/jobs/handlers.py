"""Job handlers used by the tests (importable by dotted path, like real handlers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.jobs.models import Job
from balise.jobs.services import JobError, ReportProgress, job_handler

SEEN_PROGRESS: list[tuple[int, int]] = []


@job_handler
def count_to(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    total = int(job.params["n"])
    for done in range(1, total + 1):
        progress(done, total, stage="counting")
        row = Job.objects.get(pk=job.pk)
        SEEN_PROGRESS.append((row.progress_done, row.progress_total))
    return {"counted": total, "payload_bytes": len(bytes(job.payload))}


@job_handler
def refuse(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    raise JobError("The file is not what we expected.")


@job_handler
def crash(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    raise RuntimeError("secret row content that must not reach the owner")


def not_a_handler(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    return {}

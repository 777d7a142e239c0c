"""The outbox's delivery as a background job of the house's runner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.jobs.models import Job
from balise.jobs.services import ReportProgress, job_handler


@job_handler
def deliver_outbox(job: Job, report: ReportProgress) -> Mapping[str, Any]:
    from balise.mail.services import deliver_due

    return deliver_due(progress=lambda sent: report(sent, stage="sending")).as_dict()

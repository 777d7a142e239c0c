"""The chain verification as a background job: the check `balise audit verify` runs, audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from balise.audit.services import record_event, verify_chain
from balise.jobs.models import Job
from balise.jobs.services import ReportProgress, job_handler


@job_handler
def verify_audit_chain(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    """Re-compute the whole chain (as `balise audit verify`) and record the verdict."""
    progress(0, None, stage="verifying")
    result = verify_chain()
    details = {
        "ok": result.ok,
        "checked": result.checked,
        "first_broken_seq": result.first_broken_seq,
        "reason": result.reason,
        "head": str(result.head) if result.head else "",
    }
    record_event(
        "audit.verified", actor=job.owner, object_type="job", object_id=job.pk, details=details
    )
    progress(1, 1, stage="done")
    return {**details, "next_url": reverse("audit:events")}

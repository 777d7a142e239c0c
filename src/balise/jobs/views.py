"""The job status page and the progress fragment it polls (htmx)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from balise.accounts.access import member_required
from balise.audit.services import record_not_visible, record_read
from balise.jobs.models import Job


def _job_for(request: HttpRequest, pk: int, *, view: str) -> Job:
    """The job if the person may see it, its read audited (once a minute per person and job:
    the progress fragment is polled every second); another's job is a 404, audited too."""
    # The payload (an upload of up to tens of megabytes) is never needed to show progress.
    jobs = Job.objects.visible_to(request.user).select_related("owner").defer("payload")
    try:
        job = jobs.get(pk=pk)
    except Job.DoesNotExist:
        if Job.objects.filter(pk=pk).exists():
            record_not_visible(actor=request.user, object_type="job", object_id=pk, request=request)
        raise Http404 from None
    record_read(
        "job.read",
        request=request,
        organisation_id=job.organisation_id,
        object_type="job",
        object_id=job.pk,
        details={"view": view, "kind": job.kind.rsplit(".", 1)[-1]},
        per_object=True,
    )
    return job


@require_GET
@member_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": _job_for(request, pk, view="detail")})


@require_GET
@member_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk, view="progress")
    response = render(request, "jobs/_progress.html", {"job": job})
    if job.is_finished and request.headers.get("HX-Request") == "true":
        # The polling page is done; send the browser to the result (htmx follows HX-Redirect).
        response["HX-Redirect"] = job.result_url or reverse("jobs:detail", args=[job.pk])
    return response

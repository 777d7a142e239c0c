"""The job status page and the progress fragment it polls (htmx)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from balise.accounts.access import member_required
from balise.jobs.models import Job


def _job_for(request: HttpRequest, pk: int) -> Job:
    # The payload (an upload of up to tens of megabytes) is never needed to show progress.
    jobs = Job.objects.visible_to(request.user).select_related("owner").defer("payload")
    return get_object_or_404(jobs, pk=pk)


@require_GET
@member_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "jobs/detail.html", {"job": _job_for(request, pk)})


@require_GET
@member_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    response = render(request, "jobs/_progress.html", {"job": job})
    if job.is_finished and request.headers.get("HX-Request") == "true":
        # The polling page is done; send the browser to the result (htmx follows HX-Redirect).
        response["HX-Redirect"] = job.result_url or reverse("jobs:detail", args=[job.pk])
    return response

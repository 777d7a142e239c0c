"""The audit log as administrators browse and export it.

Reading the log is not itself logged (each page view would add events to the list being read);
exporting it is, as ``audit.exported``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from balise.accounts.access import platform_role_required, request_user
from balise.accounts.models import Organisation, PlatformRole
from balise.audit.forms import EventFilterForm
from balise.audit.labels import action_label, detail_fields
from balise.audit.models import AuditEvent
from balise.audit.services import chain_head, record_event
from balise.core.formulas import safe_cells

PAGE_SIZE = 50
CSV_COLUMNS = [
    "seq",
    "created_at_utc",
    "actor_id",
    "actor",
    "organisation_id",
    "organisation",
    "action",
    "object_type",
    "object_id",
    "request_id",
    "details",
    "prev_hash",
    "hash",
]


def _organisation_names() -> dict[int, str]:
    return dict(Organisation.objects.values_list("id", "name"))


@require_GET
@platform_role_required(PlatformRole.ADMIN)
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    events: QuerySet[AuditEvent] = AuditEvent.objects.order_by("-seq")
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    names = _organisation_names()
    rows = [
        {
            "event": event,
            "organisation": names.get(event.organisation_id, "") if event.organisation_id else "",
            "action": action_label(event.action),
            "fields": detail_fields(event.details),
            "raw": json.dumps(event.details, sort_keys=True, ensure_ascii=False, indent=1)
            if event.details
            else "",
        }
        for event in page
    ]
    last = AuditEvent.objects.filter(action="audit.verified").order_by("-seq").first()
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "head": chain_head(),
        "last_verification": last,
    }
    return render(request, "audit/event_list.html", context)


@require_POST
@platform_role_required(PlatformRole.ADMIN)
def verify_start(request: HttpRequest) -> HttpResponse:
    """Run `balise audit verify`'s check as a background job; starting it is audited."""
    from balise.audit.jobs import verify_audit_chain
    from balise.jobs.services import job_enqueue

    user = request_user(request)
    job = job_enqueue(
        handler=verify_audit_chain,
        owner=user,
        organisation_id=None,
        params={"result_url": reverse("audit:events")},
    )
    record_event("audit.verify_started", request=request, object_type="job", object_id=job.pk)
    return redirect("jobs:detail", pk=job.pk)


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@platform_role_required(PlatformRole.ADMIN)
def event_export(request: HttpRequest) -> HttpResponseBase:
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain")
    # Bound by the head before the export's own event, so the file matches the count recorded.
    events = form.filter(AuditEvent.objects.filter(seq__lte=chain_head().seq)).order_by("seq")
    rows = events.count()
    record_event(
        "audit.exported",
        request=request,
        object_type="audit_event",
        details={"format": "csv", "rows": rows, "filters": form.summary()},
    )
    names = _organisation_names()
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for event in events.iterator(2000):
            cells: list[object] = [
                event.seq,
                event.created_at.astimezone(UTC).isoformat(),
                event.actor_id,
                event.actor_label,
                event.organisation_id,
                names.get(event.organisation_id, "") if event.organisation_id else "",
                event.action,
                event.object_type,
                event.object_id,
                event.request_id,
                json.dumps(event.details, sort_keys=True, ensure_ascii=False),
                event.prev_hash,
                event.hash,
            ]
            yield writer.writerow(safe_cells(cells))

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="balise-audit-{stamp}.csv"'
    return response

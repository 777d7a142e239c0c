"""The audit log as administrators browse it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from balise.accounts.access import platform_role_required
from balise.accounts.models import PlatformRole
from balise.audit.models import AuditEvent


@require_GET
@platform_role_required(PlatformRole.ADMIN)
def event_list(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.order_by("-seq")[:100]
    return render(request, "audit/event_list.html", {"events": events})

"""The outbox as administrators see it: what left, what waits, what failed and why; a failed or
interrupted message is sent again only by a person's decision (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from balise.accounts.access import platform_role_required
from balise.accounts.models import PlatformRole
from balise.audit.services import record_read
from balise.mail.models import OutboundMail
from balise.mail.selectors import outbox_list, status_counts
from balise.mail.services import mail_retry

PAGE_SIZE = 50


@require_GET
@platform_role_required(PlatformRole.ADMIN)
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in OutboundMail.Status.values:
        status = ""
    page = Paginator(outbox_list(status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    record_read("mail.outbox_read", request=request, object_type="mail", details={"status": status})
    return render(
        request,
        "mail/outbox.html",
        {
            "page": page,
            "status": status,
            "counts": [
                (value, label, status_counts().get(value, 0))
                for value, label in OutboundMail.Status.choices
            ],
            "retryable": (OutboundMail.Status.FAILED, OutboundMail.Status.INTERRUPTED),
        },
    )


@require_POST
@platform_role_required(PlatformRole.ADMIN)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(OutboundMail, pk=pk)
    try:
        mail_retry(mail=mail, actor=request.user)
    except ValueError:
        messages.error(request, _("Only a failed or interrupted message can be sent again."))
    else:
        messages.success(request, _("The message is queued again."))
    return redirect("mail:outbox")

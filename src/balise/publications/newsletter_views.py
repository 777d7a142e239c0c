"""Newsletter pages: subscribing and confirming, unsubscribing (RFC 8058 one-click), and the
editors' issues and subscribers.

The public pages answer alike whatever the address or the token (no probing); confirmation is a
button (a POST) on the page the mailed link opens, because mail scanners follow links.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from balise.accounts.access import platform_role_required, request_user
from balise.accounts.models import PlatformRole
from balise.audit.services import record_event
from balise.core.formulas import safe_cells
from balise.core.markdown import render_markdown
from balise.mail.models import OutboundMail
from balise.mail.selectors import batch_counts, batch_problems
from balise.publications.forms import IssueForm, SubscribeForm
from balise.publications.models import LANGUAGES, Consent, Issue, Subscriber
from balise.publications.newsletter import (
    CONSENT_TEXT_VERSION,
    ONE_CLICK,
    ConfirmationRefused,
    issue_create,
    issue_send,
    issue_send_test,
    issue_update,
    recipients_of,
    subscriber_erase,
    subscriber_for_token,
    subscription_confirm,
    subscription_request,
    unsubscribe,
)
from balise.publications.selectors import subscriber_counts

editor_required = platform_role_required(PlatformRole.EDITOR)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _language() -> str:
    code = (translation.get_language() or "fr")[:2]
    return code if code in dict(LANGUAGES) else "fr"


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None, initial={"language": _language()})
    if request.method == "POST" and form.is_valid():
        subscription_request(
            email=form.cleaned_data["email"],
            language=form.cleaned_data["language"],
            base_url=_base_url(request),
        )
        # The same page for a new, pending, confirmed or suppressed address.
        return render(request, "newsletter/subscribe_sent.html")
    return render(
        request,
        "newsletter/subscribe.html",
        {"form": form, "consent_version": CONSENT_TEXT_VERSION},
        status=400 if form.errors else 200,
    )


def _refused(request: HttpRequest, refusal: ConfirmationRefused) -> HttpResponse:
    return render(
        request, "newsletter/confirm_refused.html", {"expired": refusal.expired}, status=400
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            subscriber = subscription_confirm(token=token)
            return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
        subscriber = subscriber_for_token(token)
    except ConfirmationRefused as refusal:
        return _refused(request, refusal)
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: mailbox providers POST here without cookies; the token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == ONE_CLICK.split("=", 1)[1]
        unsubscribe(token=token, form="list-unsubscribe" if one_click else "unsubscribe-page")
        # Unknown tokens are answered exactly like known ones.
        return render(request, "newsletter/unsubscribed.html")
    return render(request, "newsletter/unsubscribe.html", {"token": token})


# --- Editors ---


@require_GET
@editor_required
def issues(request: HttpRequest) -> HttpResponse:
    page = Paginator(Issue.objects.all(), 25).get_page(request.GET.get("page"))
    return render(request, "newsletter/issues.html", {"page": page})


@require_http_methods(["GET", "POST"])
@editor_required
def issue_create_view(request: HttpRequest) -> HttpResponse:
    form = IssueForm(request.POST or None, initial={"language": _language()})
    if request.method == "POST" and form.is_valid():
        issue = issue_create(actor=request_user(request), **form.cleaned_data)
        messages.success(request, _("Issue saved. Check the preview, then send a test."))
        return redirect("newsletter:issue_detail", pk=issue.pk)
    return render(request, "newsletter/issue_form.html", {"form": form, "issue": None})


def _issue(pk: int) -> Issue:
    return get_object_or_404(Issue, pk=pk)


@require_http_methods(["GET", "POST"])
@editor_required
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(pk)
    if issue.status != Issue.Status.DRAFT:
        messages.error(request, _("An issue that is being sent or was sent cannot change."))
        return redirect("newsletter:issue_detail", pk=issue.pk)
    initial = {"language": issue.language, "subject": issue.subject, "body": issue.body}
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            issue_update(actor=request_user(request), issue=issue, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Issue saved."))
            return redirect("newsletter:issue_detail", pk=issue.pk)
    return render(request, "newsletter/issue_form.html", {"form": form, "issue": issue})


@require_GET
@editor_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(pk)
    counts = batch_counts(issue.batch)
    return render(
        request,
        "newsletter/issue_detail.html",
        {
            "issue": issue,
            "body_html": render_markdown(issue.body),
            "counts": [(OutboundMail.Status(status).label, n) for status, n in counts.items() if n],
            "problems": batch_problems(issue.batch),
            "recipients": recipients_of(issue).count(),
            "resumable": issue.status == Issue.Status.SENDING
            and (issue.job is None or issue.job.is_finished),
        },
    )


@require_POST
@editor_required
def issue_test(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(pk)
    user = request_user(request)
    issue_send_test(actor=user, issue=issue, base_url=_base_url(request))
    messages.success(request, _("A test was sent to %(email)s.") % {"email": user.email})
    return redirect("newsletter:issue_detail", pk=issue.pk)


@require_POST
@editor_required
def issue_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(pk)
    try:
        job = issue_send(actor=request_user(request), issue=issue, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("newsletter:issue_detail", pk=issue.pk)
    messages.success(request, _("Sending started: the outbox delivers the mails at its pace."))
    return redirect("jobs:detail", pk=job.pk)


@require_GET
@editor_required
def subscribers(request: HttpRequest) -> HttpResponse:
    email = request.GET.get("email", "").strip().lower()
    found = Subscriber.objects.filter(email=email).first() if email else None
    return render(
        request,
        "newsletter/subscribers.html",
        {
            "counts": subscriber_counts(),
            "languages": LANGUAGES,
            "email": email,
            "found": found,
            "consents": list(found.consents.all()) if found else [],
        },
    )


EXPORT_COLUMNS = (
    "email",
    "language",
    "status",
    "created_at",
    "confirmed_at",
    "left_at",
    "consent_form",
    "consent_text_version",
)


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _export_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [list(EXPORT_COLUMNS)]
    confirmations = {
        consent.subscriber_id: consent
        for consent in Consent.objects.filter(event=Consent.Event.CONFIRMED).order_by("at", "pk")
    }
    for subscriber in Subscriber.objects.order_by("email"):
        consent = confirmations.get(subscriber.pk)
        rows.append(
            safe_cells(
                [
                    subscriber.email,
                    subscriber.language,
                    subscriber.status,
                    _when(subscriber.created_at),
                    _when(subscriber.confirmed_at),
                    _when(subscriber.left_at),
                    consent.form if consent else "",
                    consent.text_version if consent else "",
                ]
            )
        )
    return rows


@require_GET
@editor_required
def subscribers_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = _export_rows()
    record_event(
        "newsletter.subscribers_exported",
        request=request,
        object_type="newsletter",
        details={"format": fmt, "rows": len(rows) - 1},
    )
    name = f"newsletter-subscribers-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("subscribers")
        for row in rows:
            sheet.append(row)
        data = io.BytesIO()
        workbook.save(data)
        response = HttpResponse(
            data.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@editor_required
def subscriber_erase_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, pk=pk)
    subscriber_erase(actor=request_user(request), subscriber=subscriber)
    messages.success(request, _("The person was erased; the address will not be written to again."))
    return redirect("newsletter:subscribers")

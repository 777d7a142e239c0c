"""Pages of the bulk import for stewards: upload, check result (errors or preview), confirm,
errors as CSV, and an empty template. The work itself is in ``importing`` and runs as a job."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import org_role_required
from balise.accounts.models import OrgRole
from balise.audit.services import record_not_visible, record_read
from balise.jobs.models import Job
from balise.jobs.services import job_enqueue, job_start, kind_of, run_job
from balise.network.unlock import STORAGE_KEY
from balise.situations import import_templates as templates
from balise.situations.columns import READABLE_HEADERS as readable
from balise.situations.columns import guide
from balise.situations.importing import (
    HEADER_ALIASES,
    ImportRefused,
    check_size,
    estimate_rows,
    import_job,
    issues_csv,
    localised_issues,
)
from balise.situations.models import Situation
from balise.taxonomy.loader import active_language

IMPORT_KIND = kind_of(import_job)
SHOWN_ERRORS = 500


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or Excel .xlsx)"),
        help_text=gettext_lazy(
            "The output of “balise encode” with the situation columns; codes or French/Dutch "
            "labels. Nothing is written before you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


def bulk_messages() -> dict[str, Any]:
    """Texts of the in-browser encoding of a file of names (bulk-import.js)."""
    return {
        "no_secret": _(
            "This device does not hold the network secret: unlock it first, then come back."
        ),
        "no_file": _("Choose the file with names first."),
        "reading": _("Reading the file on this device…"),
        "progress": _("%(count)s rows encoded on this device…"),
        "uploading": _("%(count)s rows encoded; sending the encodings for the check…"),
        "uploading_kept": _(
            "%(count)s rows encoded, %(kept)s birth date(s) kept partially; sending the "
            "encodings for the check…"
        ),
        "keep_plausible": _(
            "Keep the plausible part of the %(count)s birth date(s) that cannot exist or lie "
            "in the future (1955-11-92 → 1955-11), and encode again"
        ),
        "refused": _("%(count)s row(s) refused. Nothing was sent: correct the file and try again."),
        "unreadable": _("This file cannot be read. Save it as CSV (UTF-8) or Excel .xlsx."),
        "failed": _("The encoded file could not be sent. Reload the page and try again."),
        "reasons": {
            "missing_columns": _("Required column(s) missing: %(value)s"),
            "reserved_column": _(
                "The column %(value)s is already an encoding: upload this file below instead."
            ),
            "duplicate_column": _("The column %(value)s appears more than once."),
            "no_rows": _("The file has no rows after the header."),
            "cells": _("This row has more cells than the header."),
            "empty": _("The record_id is empty."),
            "twice": _("This record_id appears twice."),
            "birth_date": _(
                "Not a birth date: write YYYY-MM-DD, DD/MM/YYYY, YYYY-MM, the year alone, or DD/MM "
                "without a year."
            ),
            "birth_date_future": _("The birth date is in the future."),
            "sex": _("Sex must be M, F, X or empty."),
        },
    }


def _field_label(name: str) -> str:
    """The field's label as the form shows it (the note and the encoding are stored encrypted,
    under other names)."""
    if name == "note":
        return str(gettext_lazy("Note"))
    field = Situation._meta.get_field(
        "identity_ciphertext" if name == "identity_encoding" else name
    )
    return str(getattr(field, "verbose_name", name))


def _import_jobs(request: HttpRequest) -> QuerySet[Job]:
    return Job.objects.visible_to(request.user).filter(kind=IMPORT_KIND)


def _import_job(request: HttpRequest, pk: int) -> Job:
    """The job without its payload (an upload of up to tens of megabytes); another
    organisation's job is a 404, and the attempt is audited."""
    try:
        return _import_jobs(request).defer("payload").get(pk=pk)
    except Job.DoesNotExist:
        if Job.objects.filter(pk=pk, kind=IMPORT_KIND).exists():
            record_not_visible(actor=request.user, object_type="job", object_id=pk, request=request)
        raise Http404 from None


def _launch(request: HttpRequest, content: bytes, mode: str) -> Job:
    job = job_enqueue(
        handler=import_job,
        owner=request.user,
        params={"mode": mode, "keep_payload": mode == "check"},
        payload=content,
        start=False,
    )
    job.params["result_url"] = reverse("situations_import:result", args=[job.pk])
    job.save(update_fields=["params"])
    if estimate_rows(content) <= settings.BALISE_IMPORT_SYNC_ROWS:
        run_job(job.pk)  # small files: answer within the request
    else:
        job_start(job.pk)
    return job


# read-excel-file's unzip (fflate) inflates archive members over 512 KB in a worker made from a
# blob: URL by the page's own (integrity-checked) script; without this the read never ends.
# Only this page allows it; scripts themselves stay 'self' only.
@require_http_methods(["GET", "POST"])
@csp_update({"worker-src": ["'self'", "blob:"]})
@org_role_required(OrgRole.STEWARD)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size or 0)
        except ImportRefused as refused:
            form.add_error("file", refused.issues[0].reason)
        else:
            job = _launch(request, upload.read(), "check")
            return redirect("situations_import:result", pk=job.pk)
    context = {
        "form": form,
        "bulk_messages": bulk_messages(),
        "storage_key": STORAGE_KEY,
        "max_mb": settings.BALISE_IMPORT_MAX_BYTES // 1_048_576,
        "max_rows": settings.BALISE_IMPORT_MAX_ROWS,
        "columns": [
            (_field_label(name), list(dict.fromkeys([*aliases, *readable.get(name, {}).values()])))
            for name, aliases in HEADER_ALIASES.items()
        ],
        "guide": guide(active_language()),
        "template_languages": [(code, name) for code, name in templates.LANGUAGE_NAMES.items()],
    }
    return render(
        request, "situations/import_upload.html", context, status=422 if form.errors else 200
    )


@require_GET
@org_role_required(OrgRole.STEWARD)
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import_job(request, pk)
    record_read(
        "job.read",
        request=request,
        organisation_id=job.organisation_id,
        object_type="job",
        object_id=job.pk,
        details={"view": "import_result", "kind": "import_job"},
        per_object=True,
    )
    result = job.result or {}
    errors = result.get("errors", [])
    context = {
        "job": job,
        "result": result,
        "mode": job.params.get("mode"),
        "errors": localised_issues(errors[:SHOWN_ERRORS]),
        "more_errors": max(0, int(result.get("error_count", 0)) - SHOWN_ERRORS),
        "can_confirm": (
            job.status == Job.Status.SUCCEEDED
            and job.params.get("mode") == "check"
            and result.get("ok")
            and _import_jobs(request).filter(pk=job.pk).exclude(payload=b"").exists()
        ),
    }
    return render(request, "situations/import_result.html", context)


@require_POST
@org_role_required(OrgRole.STEWARD)
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_object_or_404(_import_jobs(request), pk=pk)
    content = bytes(check.payload)
    if not (
        check.params.get("mode") == "check"
        and check.status == Job.Status.SUCCEEDED
        and check.result.get("ok")
        and content
    ):
        raise Http404
    # The upload moves to the apply job; the check job no longer holds a copy. Taking it is
    # conditional, so a double click confirms once (the second request finds it gone).
    if not Job.objects.filter(pk=check.pk).exclude(payload=b"").update(payload=b""):
        raise Http404
    job = _launch(request, content, "apply")
    return redirect("situations_import:result", pk=job.pk)


@require_GET
@org_role_required(OrgRole.STEWARD)
def import_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    job = _import_job(request, pk)
    if not job.is_finished:
        raise Http404
    body = issues_csv(job.result.get("errors", []))
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="balise-import-{job.pk}-errors.csv"'
    return response


@require_GET
@org_role_required(OrgRole.STEWARD)
def import_template(request: HttpRequest) -> HttpResponse:
    header = ";".join(aliases[0] for aliases in HEADER_ALIASES.values())
    response = HttpResponse(("\ufeff" + header + "\r\n").encode("utf-8"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="balise-import-template.csv"'
    return response


@require_GET
@org_role_required(OrgRole.STEWARD)
def import_template_file(request: HttpRequest, language: str, file_format: str) -> HttpResponse:
    """A template for a file of names (encoded in the browser), headers in ``language``."""
    if language not in templates.LANGUAGE_NAMES or file_format not in ("csv", "xlsx"):
        raise Http404
    filename = f"balise-import-template-{language}.{file_format}"
    if file_format == "csv":
        response = HttpResponse(templates.csv_template(language), content_type="text/csv")
    else:
        response = HttpResponse(templates.xlsx_template(language), content_type=templates.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

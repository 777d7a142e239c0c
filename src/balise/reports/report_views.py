"""Activity reports: editors draft, preview and freeze; everyone reads frozen versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import platform_role_required, request_user
from balise.accounts.models import PlatformRole
from balise.reports.figures import build_figures, describe_change
from balise.reports.forms import ReportForm, SectionForm
from balise.reports.models import ActivityReport, ReportPdf, ReportSection, ReportVersion
from balise.reports.presentation import report_parts
from balise.reports.report_services import (
    report_content,
    report_freeze,
    report_regenerate,
    report_save,
    section_delete,
    section_save,
)

editor_required = platform_role_required(PlatformRole.EDITOR)


def _language() -> str:
    return (translation.get_language() or "fr")[:2]


# --- editors -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@editor_required
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = report_save(actor=request_user(request), **form.cleaned_data)
        return redirect("reports:report_edit", pk=report.pk)
    reports = ActivityReport.objects.prefetch_related("versions")
    return render(
        request,
        "reports/report_list.html",
        {"form": form, "reports": reports},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ActivityReport, pk=pk)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        report_save(actor=request_user(request), report=report, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("reports:report_edit", pk=report.pk)
    changes = request.session.pop(f"report-{report.pk}-changes", None)
    if changes is not None:  # described in the reader's language, now
        changes = [(describe_change(path), before, after) for path, before, after in changes]
    figures = report.draft_figures or build_figures(report.start_year, report.end_year)
    preview = report_parts(report_content(report, figures), _language())
    return render(
        request,
        "reports/report_edit.html",
        {
            "report": report,
            "form": form,
            "section_form": SectionForm(initial={"order": (report.sections.count() + 1) * 10}),
            "sections": report.sections.all(),
            "preview": preview,
            "changes": changes,
            "versions": report.versions.all(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@editor_required
def section_edit(request: HttpRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    report = get_object_or_404(ActivityReport, pk=pk)
    section = get_object_or_404(ReportSection, pk=section_pk, report=report) if section_pk else None
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        section_save(
            actor=request_user(request), report=report, section=section, **form.cleaned_data
        )
        messages.success(request, _("Section saved."))
        return redirect("reports:report_edit", pk=report.pk)
    return render(
        request,
        "reports/section_edit.html",
        {"report": report, "section": section, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@editor_required
def section_remove(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = get_object_or_404(ReportSection, pk=section_pk, report_id=pk)
    section_delete(actor=request_user(request), section=section)
    messages.success(request, _("Section deleted."))
    return redirect("reports:report_edit", pk=pk)


@require_POST
@editor_required
def report_regenerate_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ActivityReport, pk=pk)
    had_figures = bool(report.draft_figures)
    changes = report_regenerate(actor=request_user(request), report=report)
    if had_figures:
        request.session[f"report-{report.pk}-changes"] = [
            [path, "" if before is None else str(before), "" if after is None else str(after)]
            for path, before, after in changes
        ]
    messages.success(request, _("The figures were read again from the data."))
    return redirect("reports:report_edit", pk=report.pk)


@require_POST
@editor_required
def report_freeze_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ActivityReport, pk=pk)
    version, job = report_freeze(actor=request_user(request), report=report)
    messages.success(
        request,
        _("Version %(number)s is frozen and published; its PDFs are being drawn.")
        % {"number": version.number},
    )
    return redirect("jobs:detail", pk=job.pk)


# --- public --------------------------------------------------------------------------------------


def _published_reports() -> list[tuple[ActivityReport, ReportVersion]]:
    reports = (
        ActivityReport.objects.filter(versions__isnull=False)
        .distinct()
        .prefetch_related(
            Prefetch(
                "versions", queryset=ReportVersion.objects.defer("content").order_by("-number")
            )
        )
    )
    return [(r, r.versions.all()[0]) for r in reports]


def _latest_version(pk: int) -> ReportVersion:
    version = (
        ReportVersion.objects.filter(report_id=pk)
        .select_related("report")
        .order_by("-number")
        .first()
    )
    if version is None:
        raise Http404  # a report never frozen is a draft: not public
    return version


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/public_list.html", {"rows": _published_reports()})


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _latest_version(pk)
    language = _language()
    context: dict[str, Any] = report_parts(version.content, language)
    context.update(
        version=version,
        has_pdf=ReportPdf.objects.filter(version=version, language=language).exists(),
    )
    return render(request, "reports/public_detail.html", context)


@require_GET
def public_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    version = _latest_version(pk)
    pdf = ReportPdf.objects.filter(version=version, language=_language()).first()
    if pdf is None:
        raise Http404
    response = HttpResponse(bytes(pdf.content), content_type="application/pdf")
    filename = f"activity-report-{version.report.period_label}-{pdf.language}.pdf".replace("–", "-")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

"""Writes of activity reports: drafting, sections, regenerating figures, freezing a version.

Freezing stores the report's content and its figures (``figures.build_figures``) as a
``ReportVersion`` whose JSON never changes, then queues a background job that draws its PDF in
each language (``pdf.report_pdf_job``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.jobs.models import Job
from balise.jobs.services import job_enqueue
from balise.reports.figures import build_figures, figures_diff
from balise.reports.models import LANGUAGES, ActivityReport, ReportSection, ReportVersion

REPORT_FIELDS = (
    "start_year",
    "end_year",
    "title_fr",
    "title_nl",
    "title_en",
    "publisher_name",
    "publisher_details",
)
SECTION_FIELDS = (
    "order",
    "heading_fr",
    "heading_nl",
    "heading_en",
    "body_fr",
    "body_nl",
    "body_en",
)


def canonical(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@transaction.atomic
def report_save(
    *, actor: User, report: ActivityReport | None = None, **fields: Any
) -> ActivityReport:
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    created = report is None
    report = report or ActivityReport(created_by=actor)
    for name, value in fields.items():
        setattr(report, name, value)
    report.save()
    record_event(
        "reports.report_created" if created else "reports.report_updated",
        actor=actor,
        object_type="activity_report",
        object_id=report.pk,
        details={"start_year": report.start_year, "end_year": report.end_year},
    )
    return report


@transaction.atomic
def section_save(
    *, actor: User, report: ActivityReport, section: ReportSection | None = None, **fields: Any
) -> ReportSection:
    unknown = set(fields) - set(SECTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    created = section is None
    section = section or ReportSection(report=report)
    for name, value in fields.items():
        setattr(section, name, value)
    section.save()
    record_event(
        "reports.section_created" if created else "reports.section_updated",
        actor=actor,
        object_type="activity_report",
        object_id=report.pk,
        details={"section": section.pk},
    )
    return section


@transaction.atomic
def section_delete(*, actor: User, section: ReportSection) -> None:
    report_id, pk = section.report_id, section.pk
    section.delete()
    record_event(
        "reports.section_deleted",
        actor=actor,
        object_type="activity_report",
        object_id=report_id,
        details={"section": pk},
    )


@transaction.atomic
def report_regenerate(*, actor: User, report: ActivityReport) -> list[tuple[str, Any, Any]]:
    """Read the figures again; return what changed since the last preview (in French, the
    language every label has), and keep the new figures as the draft's."""
    report = ActivityReport.objects.select_for_update().get(pk=report.pk)
    figures = build_figures(report.start_year, report.end_year)
    before = report.draft_figures.get("fr", {}) if report.draft_figures else {}
    changes = figures_diff(before, figures["fr"]) if before else []
    report.draft_figures = figures
    report.draft_figures_at = timezone.now()
    report.save(update_fields=["draft_figures", "draft_figures_at"])
    record_event(
        "reports.report_regenerated",
        actor=actor,
        object_type="activity_report",
        object_id=report.pk,
        details={"changes": len(changes)},
    )
    return changes


def report_content(report: ActivityReport, figures: dict[str, Any]) -> dict[str, Any]:
    """Everything a version shows, with the figures given: nothing is read at display time."""
    return {
        "titles": {lang: getattr(report, f"title_{lang}") for lang in LANGUAGES},
        "period": {"start_year": report.start_year, "end_year": report.end_year},
        "publisher": {"name": report.publisher_name, "details": report.publisher_details},
        "sections": [
            {
                "headings": {lang: getattr(s, f"heading_{lang}") for lang in LANGUAGES},
                "bodies": {lang: getattr(s, f"body_{lang}") for lang in LANGUAGES},
            }
            for s in report.sections.order_by("order", "pk")
        ],
        "figures": figures,
    }


@transaction.atomic
def report_freeze(
    *, actor: User, report: ActivityReport, start_pdfs: bool = True
) -> tuple[ReportVersion, Job]:
    """Freeze the report as it stands with figures read now, and queue its PDFs (started at
    once, or, with ``start_pdfs=False``, left to ``balise jobs work``)."""
    report = ActivityReport.objects.select_for_update().get(pk=report.pk)
    content = report_content(report, build_figures(report.start_year, report.end_year))
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        content=content,
        content_sha256=hashlib.sha256(canonical(content)).hexdigest(),
        frozen_by=actor,
    )
    record_event(
        "reports.report_frozen",
        actor=actor,
        object_type="activity_report",
        object_id=report.pk,
        details={"version": number, "sha256": version.content_sha256},
    )
    from balise.reports.pdf import report_pdf_job

    job = job_enqueue(
        handler=report_pdf_job,
        owner=actor,
        params={"version": version.pk},
        total=len(LANGUAGES),
        start=start_pdfs,
    )
    return version, job

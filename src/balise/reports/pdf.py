"""The PDF of a frozen report version, one per language, drawn by WeasyPrint in a background job.

The PDF is tagged (PDF/UA-1 variant: structure tags, language, title), numbered, with a table of
contents whose page numbers WeasyPrint resolves, and the publisher's name in every footer. The
job then lists the report in the publications catalogue (kind "activity report").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balise.accounts.models import User
from balise.jobs.models import Job
from balise.jobs.services import ReportProgress, job_handler
from balise.publications.models import Kind
from balise.publications.pdfcheck import PdfRefused
from balise.publications.services import (
    PublicationData,
    checked_upload,
    publication_create,
    publication_publish,
    publication_update,
    publication_version_save,
)
from balise.reports.models import LANGUAGES, ReportPdf, ReportVersion, period_label
from balise.reports.presentation import pick, report_parts

logger = logging.getLogger(__name__)


class ExternalResourceRefused(Exception):
    """The report asked for a file or URL; its HTML is self-contained (inline SVG and CSS)."""


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ExternalResourceRefused(url)


def render_report_pdf(content: dict[str, Any], language: str) -> bytes:
    from weasyprint import HTML  # loads Pango: only PDF work needs it

    with translation.override(language):
        html = render_to_string("reports/report_pdf.html", report_parts(content, language))
        document = HTML(string=html, url_fetcher=_refuse_fetch)
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf


def list_in_catalogue(*, actor: User, version: ReportVersion, pdfs: Mapping[str, bytes]) -> int:
    """Publish the version's PDFs in the publications catalogue (kind "activity report"): a
    report keeps one entry, whose files each new version replaces. Returns its id."""
    report = version.report
    data = PublicationData(
        kind=Kind.ACTIVITY_REPORT,
        authors=report.publisher_name,
        published_on=timezone.localdate(version.frozen_at),
        legal_deposit="",
        topics=(),
    )
    publication = report.publication
    if publication is None:
        publication = publication_create(actor=actor, data=data)
        report.publication = publication
        report.save(update_fields=["publication"])
    else:
        publication_update(actor=actor, publication=publication, data=data)
    period = version.content["period"]
    for language, content in pdfs.items():
        with translation.override(language):
            abstract = _("Activity report %(period)s") % {
                "period": period_label(period["start_year"], period["end_year"])
            }
        publication_version_save(
            actor=actor,
            publication=publication,
            language=language,
            title=pick(version.content["titles"], language),
            abstract=abstract,
            pdf=checked_upload(content),
        )
    publication_publish(actor=actor, publication=publication)
    return publication.pk


@job_handler
def report_pdf_job(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    version = ReportVersion.objects.select_related("report").get(pk=job.params["version"])
    sizes = {}
    pdfs = {}
    for done, language in enumerate(LANGUAGES, start=1):
        progress(done - 1, len(LANGUAGES), stage=language)
        content = render_report_pdf(version.content, language)
        ReportPdf.objects.update_or_create(
            version=version, language=language, defaults={"content": content}
        )
        sizes[language] = len(content)
        pdfs[language] = content
    try:
        if job.owner is None:
            raise PermissionDenied("no owner")
        publication = list_in_catalogue(actor=job.owner, version=version, pdfs=pdfs)
    except (PdfRefused, ValidationError, PermissionDenied) as exc:
        # The report's own page and PDFs stand; only the catalogue entry is missing.
        logger.warning("report version %s: not listed in the catalogue (%s)", version.pk, exc)
        return {"version": version.pk, "bytes": sizes, "publication": None}
    return {"version": version.pk, "bytes": sizes, "publication": publication}

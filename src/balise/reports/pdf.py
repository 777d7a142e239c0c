"""The PDF of a frozen report version, one per language, drawn by WeasyPrint in a background job.

The PDF is tagged (PDF/UA-1 variant: structure tags, language, title), numbered, with a table of
contents whose page numbers WeasyPrint resolves, and the publisher's name in every footer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from balise.jobs.models import Job
from balise.jobs.services import ReportProgress, job_handler
from balise.reports.models import LANGUAGES, ReportPdf, ReportVersion
from balise.reports.presentation import report_parts


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


@job_handler
def report_pdf_job(job: Job, progress: ReportProgress) -> Mapping[str, Any]:
    version = ReportVersion.objects.get(pk=job.params["version"])
    sizes = {}
    for done, language in enumerate(LANGUAGES, start=1):
        progress(done - 1, len(LANGUAGES), stage=language)
        content = render_report_pdf(version.content, language)
        ReportPdf.objects.update_or_create(
            version=version, language=language, defaults={"content": content}
        )
        sizes[language] = len(content)
    return {"version": version.pk, "bytes": sizes}

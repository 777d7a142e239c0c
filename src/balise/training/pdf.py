"""PDFs of the trainings (attendance list, certificates) with WeasyPrint, from self-contained
templates: inline CSS, and no URL or file is ever fetched while rendering (the detection aid's
approach)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class ExternalResourceRefused(Exception):
    """A PDF template asked for a file or URL; they are self-contained by design."""


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ExternalResourceRefused(url)


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF views need

    html = render_to_string(template, context, request=request)
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

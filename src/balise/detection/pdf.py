"""PDF rendering with WeasyPrint, from a self-contained template (inline CSS, no external fetch)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


class ExternalResourceRefused(Exception):
    """The PDF template asked for a file or URL; summaries are self-contained by design."""


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # No URL is ever fetched while rendering: nothing from the answers can make the server
    # read a file or call a host.
    raise ExternalResourceRefused(url)


def render_pdf(request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF views need

    html = render_to_string(template, context, request=request)
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf

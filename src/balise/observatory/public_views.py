"""Public statistics: published releases only, read from their frozen JSON, for anyone.

Every object comes from ``Release.objects.published()``: a draft answers 404, exactly like a
release that does not exist.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from balise.observatory.models import Release
from balise.observatory.presentation import (
    csv_bytes,
    release_chart,
    release_csv_rows,
    release_grid,
    release_xlsx_sheets,
    table_title,
    xlsx_bytes,
)


def _published(pk: int) -> Release:
    """A published (or published then withdrawn) release; a draft answers 404."""
    return get_object_or_404(Release.objects.public(), pk=pk)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    releases = list(Release.objects.public().order_by("-period", "-published_at", "-pk"))
    # One heading per period, its releases under it (no period repeated on every line).
    periods: dict[str, list[Release]] = {}
    for release in releases:
        periods.setdefault(release.period_label, []).append(release)
    return render(
        request,
        "statistics/index.html",
        {"releases": releases, "periods": list(periods.items())},
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = _published(pk)
    document: dict[str, Any] = release.content or {}
    privacy: dict[str, Any] = document.get("release", {}).get("privacy") or {}
    tables = [
        {
            "name": table["name"],
            "title": table_title(table["name"]),
            "unit": table["unit"],
            "grid": release_grid(table),
            "chart": release_chart(table),
            "withheld": sum(1 for c in table["cells"] if c["value"] is None),
            "epsilon": (privacy.get("tables") or {}).get(table["name"], {}).get("epsilon"),
        }
        for table in document.get("tables", [])
    ]
    meta = document.get("release", {})
    return render(
        request,
        "statistics/detail.html",
        {
            "release": release,
            "tables": tables,
            "meta": meta,
            "linkage": meta.get("linkage", {}),
            "quality": meta.get("linkage", {}).get("quality", {}),
            "audit": meta.get("audit", {}),
            "privacy": privacy,
            "perturbation": meta.get("perturbation") or {},
        },
    )


@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    release = _published(pk)
    document: dict[str, Any] = release.content or {}
    name = f"balise-release-{release.pk}-{release.period}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "csv":
        response = HttpResponse(
            csv_bytes(release_csv_rows(document)), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(release_xlsx_sheets(document)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

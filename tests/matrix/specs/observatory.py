"""Access specs of the observatory (analysts only) and the public statistics (anyone)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.observatory.models import Release
from tests.conftest import Personas
from tests.matrix.harness import ANALYSTS, EVERYONE, UrlSpec

CONTENT = {"release": {"title": "Published", "period": 2024}, "tables": []}


def _draft(p: Personas) -> Mapping[str, Any]:
    release = Release.objects.create(title="Draft", period=2025, drafted_by=p.analyst)
    return {"pk": release.pk}


def _published(p: Personas) -> Mapping[str, Any]:
    release = Release.objects.create(
        title="Published",
        period=2024,
        drafted_by=p.analyst,
        status=Release.Status.PUBLISHED,
        content=CONTENT,
    )
    return {"pk": release.pk}


SPECS = [
    UrlSpec("observatory:dashboard", {"GET": ANALYSTS}),
    UrlSpec(
        "observatory:export", {"GET": ANALYSTS}, kwargs=lambda p: {"name": "gender", "fmt": "csv"}
    ),
    UrlSpec("observatory:linkage", {"GET": ANALYSTS}),
    UrlSpec("observatory:linkage_start", {"POST": ANALYSTS}),
    UrlSpec("observatory:release_list", {"GET": ANALYSTS}),
    UrlSpec("observatory:release_new", {"GET": ANALYSTS, "POST": ANALYSTS}),
    UrlSpec("observatory:release_detail", {"GET": ANALYSTS}, kwargs=_draft),
    UrlSpec("observatory:release_preview", {"POST": ANALYSTS}, kwargs=_draft),
    UrlSpec("observatory:release_approve", {"GET": ANALYSTS, "POST": ANALYSTS}, kwargs=_draft),
    UrlSpec("observatory:release_apply", {"POST": ANALYSTS}, kwargs=_draft),
    UrlSpec("observatory:release_edit", {"GET": ANALYSTS, "POST": ANALYSTS}, kwargs=_draft),
    UrlSpec("observatory:release_delete", {"POST": ANALYSTS}, kwargs=_draft),
    UrlSpec("observatory:release_withdraw", {"POST": ANALYSTS}, kwargs=_published),
    UrlSpec("statistics:index", {"GET": EVERYONE}),
    UrlSpec("statistics:detail", {"GET": EVERYONE}, kwargs=_published),
    UrlSpec(
        "statistics:download",
        {"GET": EVERYONE},
        kwargs=lambda p: {**_published(p), "fmt": "json"},
    ),
]

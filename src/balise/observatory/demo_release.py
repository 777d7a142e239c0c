"""A published statistics release for the demo network (``balise demo --publish-release``).

`make run` should show what the public sees: a release of the last complete year, drafted by
one demo analyst and approved by the other through the same services an analyst's clicks call
(preview, second-analyst approval, freezing, audit). It uses the default protection (cell-key
perturbation) and the default table design for the year's volume.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from balise.accounts.models import User
from balise.observatory.models import Release
from balise.observatory.runs import linkage_run
from balise.observatory.selectors import Filters, is_stale, latest_run, totals
from balise.observatory.services import (
    dashboards_warm,
    release_approve,
    release_draft,
    release_preview,
)
from balise.observatory.tables import TABLE_KEYS, default_categories


def last_complete_year() -> int:
    return timezone.localdate().year - 1


def publish_demo_release(
    *,
    period: int,
    drafted_by: User,
    approved_by: User,
    say: Callable[[str], None] = lambda _line: None,
) -> Release | None:
    """Publish the period's demo release, running the linkage first when situations changed;
    ``None`` when one is already published for the period (the demo stays idempotent)."""
    if Release.objects.published().filter(period=period).exists():
        return None
    if is_stale(latest_run()):
        say("Linking the demo situations (balise linkage run)…")
        run = linkage_run(actor=None)
        dashboards_warm(run=run)
    children = totals(Filters(values={"year": period}))["children"]
    release = release_draft(
        actor=drafted_by,
        title=f"Enfants concernés en {period} / Betrokken kinderen in {period}",
        period=period,
        tables=TABLE_KEYS,
        geography="province",
        age_bands="primero",
        categories=default_categories(children),
    )
    release_preview(actor=drafted_by, release=release)
    return release_approve(actor=approved_by, release=Release.objects.get(pk=release.pk))

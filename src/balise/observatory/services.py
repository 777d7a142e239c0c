"""The observatory's writes: what the selectors never do (stored dashboard figures, and the
release workflow in ``balise.observatory.releases``)."""

from __future__ import annotations

from balise.observatory import figures, selectors
from balise.observatory.models import DashboardFigure, LinkageRun


def dashboards_warm(*, run: LinkageRun) -> int:
    """Compute and store the unfiltered and per-year dashboards of ``run``; drop older ones.

    Called after each linkage run (by its job and its commands), so every analyst's first view
    of the new facts reads stored figures. Returns how many figures were stored.
    """
    DashboardFigure.objects.exclude(run=run).delete()
    years = [year for year, _label in selectors.choices("year")]
    stored = 0
    for filters in (
        selectors.Filters(),
        *(selectors.Filters(values={"year": y}) for y in years),
    ):
        for kind in figures.DASHBOARD_KINDS:
            figures.cached(kind, filters, run)
            stored += 1
    return stored

"""Dashboard figures stored per linkage run: a read-through cache over the selectors.

Facts change only at a linkage run, so a figure is exact until the next run (deletions aside:
the key holds the number of facts left). ``services.dashboards_warm`` stores the unfiltered and
per-year dashboards after each run; other filters are stored when first asked.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from balise.observatory import selectors
from balise.observatory.facts import MASKS
from balise.observatory.models import DashboardFigure, LinkageRun
from balise.observatory.selectors import latest_run

#: Every figure of one dashboard.
DASHBOARD_KINDS: Final = ("totals", "overlap", *selectors.BREAKDOWNS)


def _encode(kind: str, value: Any) -> Any:
    if kind == "totals":
        return value
    if kind == "overlap":
        sectors, matrix = value
        return [sectors, [[a, b, n] for (a, b), n in matrix.items()]]
    return [[r.code, r.situations, r.children] for r in value]


def _decode(kind: str, stored: Any) -> Any:
    """Stored figures back as the selectors return them (labels in the reader's language)."""
    if kind == "totals":
        return {k: int(v) for k, v in stored.items()}
    if kind == "overlap":
        sectors, cells = stored
        return list(sectors), {(a, b): int(n) for a, b, n in cells}
    vocab = (
        None
        if kind == selectors.TREND
        else selectors.SINGLE[kind][1]
        if kind in selectors.SINGLE
        else MASKS[kind].vocabulary
    )
    return [
        selectors.Row(
            selectors.code_of(kind, code), selectors.label_for(vocab, code, kind), int(s), int(c)
        )
        for code, s, c in stored
    ]


def figure_key(run_id: int, kind: str, filters: selectors.Filters, facts: int) -> str:
    identity = json.dumps([run_id, facts, kind, sorted(filters.as_dict().items())], default=str)
    return hashlib.sha256(identity.encode()).hexdigest()


def compute(kind: str, filters: selectors.Filters) -> Any:
    if kind == "totals":
        return selectors.totals(filters)
    if kind == "overlap":
        return selectors.overlap(filters)
    return selectors.breakdown(kind, filters)


def cached(
    kind: str, filters: selectors.Filters, run: LinkageRun | None = None, facts: int | None = None
) -> Any:
    """A dashboard figure for the last linkage run: stored once, exact until the next run.

    ``facts`` is the number of facts left now (default: as many as the run wrote). Facts only
    ever disappear between runs (a deleted or purged situation takes its fact with it), so the
    count tells a stored figure that still holds from one computed before a deletion.
    """
    run = run or latest_run()
    if run is None:
        return compute(kind, filters)
    key = figure_key(run.pk, kind, filters, run.situations if facts is None else facts)
    found = DashboardFigure.objects.filter(key=key).values_list("value", flat=True).first()
    if found is not None:
        return _decode(kind, found)
    value = compute(kind, filters)
    DashboardFigure.objects.bulk_create(
        [DashboardFigure(key=key, run=run, value=_encode(kind, value))], ignore_conflicts=True
    )
    return value

"""Differential privacy (optional, OpenDP): noisy counts, nothing withheld; one child is the
privacy unit and every published release's epsilon is kept in a ledger under a budget."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from django.conf import settings

from balise.disclosure import Dimension, TableSpec
from balise.observatory.models import LinkageRun, Release
from balise.observatory.releases import common
from balise.observatory.releases.common import Design, Frozen, Preview, ReleaseError
from balise.taxonomy.loader import vocabulary

METHOD: Final = "none: differential privacy (discrete Laplace noise)"


def dp_budget() -> float:
    return float(settings.BALISE_DP_EPSILON_BUDGET)


def published_ledger(budget: float | None) -> Any:
    """The epsilon ledger of every published differentially private release."""
    from balise.disclosure.dp import LedgerEntry, PrivacyLedger

    ledger = PrivacyLedger(budget=budget)
    for release in common.published_releases():
        privacy = (release.content or {}).get("release", {}).get("privacy") or {}
        for table, spent in (privacy.get("tables") or {}).items():
            ledger.entries.append(LedgerEntry(str(release.pk), table, float(spent["epsilon"])))
    return ledger


def ledger_state() -> dict[str, float]:
    """Budget, spent and remaining epsilon, from every published release's frozen JSON."""
    ledger = published_ledger(dp_budget())
    return {
        "budget": dp_budget(),
        "spent": ledger.total,
        "remaining": max(0.0, ledger.remaining()),
    }


def _require_opendp() -> None:
    from balise.disclosure.dp import dp_available

    if not dp_available():
        raise ReleaseError("differential privacy needs the optional OpenDP dependency")


def checked_epsilons(tables: Sequence[str], epsilons: Mapping[str, float]) -> dict[str, float]:
    """The epsilon of each chosen table, refused unless all are positive and the ledger has room."""
    from balise.disclosure.dp import PrivacyBudgetExceeded

    _require_opendp()
    if not tables:
        raise ReleaseError("unknown or no tables: none chosen")
    spend: dict[str, float] = {}
    for table in tables:
        value = epsilons.get(table)
        if value is None or not math.isfinite(float(value)) or float(value) <= 0:
            raise ReleaseError(f"table {table}: epsilon must be a positive number")
        spend[table] = float(value)
    ledger = published_ledger(dp_budget())
    try:
        ledger.check(list(spend.values()))
    except PrivacyBudgetExceeded:
        raise ReleaseError(
            f"these tables would spend epsilon {math.fsum(spend.values()):g} but only "
            f"{max(0.0, ledger.remaining()):g} of the budget {dp_budget():g} is left "
            f"(published releases already spent {ledger.total:g})"
        ) from None
    return spend


def build(design: Design, *, epsilon: float, budget: float | None = None) -> dict[str, Any]:
    """A would-be release in differential-privacy mode (OpenDP): noisy counts, no suppression.

    One child is the privacy unit; the categories are the dictionary's code lists; each table
    spends ``epsilon``; the ledger of published releases must leave room for them. The
    multi-valued children-by-sector table, too costly for exact suppression auditing, fits here:
    its noise is scaled to the nine counts a child can touch.
    """
    from balise.disclosure.dp import dp_release, dp_release_to_json

    design.checked()
    _require_opendp()
    if epsilon <= 0:
        raise ReleaseError("epsilon must be positive")
    run, rows = common.run_and_rows(design)
    specs = design.specs()
    sectors = [entry.code for entry in vocabulary("sectors")]
    specs.append(
        TableSpec(
            name="children_by_sector",
            unit="children",
            dimensions=(Dimension.flat("sectors", sectors, variable="sector", multi_valued=True),),
            scope={"year": frozenset({str(design.period)})},
        )
    )
    ledger = published_ledger(budget)
    meta = design.metadata(
        specs=specs, run=run, status="would-be release (not published)", protection=METHOD
    )
    try:
        noisy = dp_release(
            specs,
            rows,
            epsilon=epsilon,
            ledger=ledger,
            release_id=f"would-be-{design.period}",
            metadata=meta,
        )
    except RuntimeError as exc:  # PrivacyBudgetExceeded
        raise ReleaseError(str(exc)) from None
    document: dict[str, Any] = dp_release_to_json(noisy, ledger)
    return document


def _with_cell_margins(document: dict[str, Any]) -> dict[str, Any]:
    """Each cell also carries its 95% error margin (``error_95``) beside ``value``."""
    margins = document["release"]["privacy"]["error_95"]
    for table in document["tables"]:
        for cell, margin in zip(table["cells"], margins[table["name"]], strict=True):
            cell["error_95"] = margin
    return document


def preview(release: Release) -> Preview:
    """Draw the noisy tables once (analysts see the draw; only the approved one is published)."""
    from balise.disclosure.dp import PrivacyBudgetExceeded, dp_release, dp_release_to_json

    epsilons = checked_epsilons(release.tables, release.epsilons)
    design = Design.of(release)
    run, rows = common.run_and_rows(design)
    specs = design.specs()
    releases = common.published_releases()
    ledger = published_ledger(dp_budget())
    meta = design.metadata(specs=specs, run=run, status="draft", protection=METHOD)
    try:
        noisy = dp_release(
            specs, rows, epsilon=epsilons, ledger=ledger, release_id=str(release.pk), metadata=meta
        )
    except PrivacyBudgetExceeded as exc:
        raise ReleaseError(str(exc)) from None
    document = _with_cell_margins(dp_release_to_json(noisy, ledger))
    content = {
        "mode": "dp",
        "linkage_run": run.pk,
        "earlier": [r.pk for r in releases],
        "document": document,
        "tables": document["tables"],
        "ledger": ledger_state(),
        "computed_at": common.computed_at(),
    }
    return Preview(content, run, {"mode": "dp", "epsilon": math.fsum(epsilons.values())})


def frozen(
    release: Release, *, run: LinkageRun, releases: Sequence[Release], published_at: str
) -> Frozen:
    """The previewed draw, once the ledger is checked again (a release may have spent).

    The caller holds the lock that serialises approvals (``services.release_approve``), so
    ``releases`` and the ledger read here are what the approval publishes against.
    """
    document: dict[str, Any] = json.loads(json.dumps(release.preview["document"]))
    if release.preview.get("earlier") != [r.pk for r in releases]:
        raise ReleaseError("another release was published since the preview: compute it again")
    epsilons = checked_epsilons(release.tables, release.epsilons)
    if sorted(t["name"] for t in document["tables"]) != sorted(epsilons):
        raise ReleaseError("the preview is missing or out of date: compute it again")
    spent_before = published_ledger(dp_budget()).total
    document["release"].update(
        {"status": "published", "id": release.pk, "published_at": published_at}
    )
    privacy = document["release"]["privacy"]
    privacy["cumulative_epsilon"] = spent_before + math.fsum(epsilons.values())
    privacy["budget"] = dp_budget()
    summary = {"mode": "dp", "passed": True, "epsilon": math.fsum(epsilons.values())}
    document["release"]["audit"] = summary
    details = {
        "mode": "dp",
        "epsilon": summary["epsilon"],
        "cumulative_epsilon": privacy["cumulative_epsilon"],
    }
    return Frozen(document, summary, details)

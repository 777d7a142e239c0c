"""Releases: build protected, audited tables; draft, preview, approve by a second analyst, freeze.

Protection and the audit are ``balise.disclosure``'s: every table of a release is protected
together and against every earlier published release, and the independent audit attacks the
result before anything is frozen. A published release's JSON is stored once and never changes;
public pages and exports read only that JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.disclosure import (
    AuditReport,
    DisclosureRules,
    InconsistentReleaseError,
    PerturbationAudit,
    PerturbedRelease,
    PTable,
    Table,
    audit_perturbed,
    audit_release,
    build_release,
    perturb_release,
    perturbed_release_to_json,
    primary_suppressions,
    protect_release,
    release_from_json,
    release_to_json,
    suggest_coarsening,
)
from balise.disclosure import Release as ProtectedRelease
from balise.observatory.models import LinkageRun, Release
from balise.observatory.selectors import children_interval, latest_run
from balise.observatory.tables import (
    AGE_BANDS,
    GEOGRAPHIES,
    TABLE_KEYS,
    coarser_alternatives,
    period_rows,
    table_specs,
)
from balise.taxonomy.loader import current_version, vocabulary

SUPPRESSION_METHOD = (
    "primary suppression of counts below the threshold and of class disclosures, then "
    "complementary suppression chosen by integer programming (HiGHS) over all tables of the "
    "release together and against every earlier release; checked by an independent integer-"
    "programming audit"
)
CELL_KEY_METHOD = (
    "none withheld: cell-key perturbation (each child and situation carries a fixed secret "
    "random key; a cell's published value is a fixed function of its true count and of the sum "
    "of its contributors' keys, so the same cell has the same value in every table and release); "
    "checked by an independent integer-programming attack"
)
EARLIEST_YEAR = 2000
MAX_YEARS = 3
#: Cell-key perturbation: published values differ from true counts by at most 4, never show 1
#: or 2, and have variance 2 (docs/disclosure.md, "Cell-key perturbation").
MAX_NOISE: Final = 4
NOISE_VARIANCE: Final = 2.0
NEVER_PUBLISHED: Final = 2

Progress = Callable[[int, int, str], None]


class ReleaseError(ValueError):
    """A release cannot be built, approved or exported; the message says why."""


@dataclass(frozen=True)
class Built:
    protected: ProtectedRelease
    report: AuditReport
    run: LinkageRun
    earlier_ids: list[int]


def check_period(period: int) -> None:
    this_year = timezone.localdate().year
    if not EARLIEST_YEAR <= period <= this_year:
        raise ReleaseError(f"the period must be a year from {EARLIEST_YEAR} to {this_year}")


def published_releases() -> list[Release]:
    """Every release whose figures were made public, withdrawn ones included: a withdrawal
    does not make readers forget, so later releases are protected against them too."""
    return list(Release.objects.disclosed().order_by("published_at", "pk"))


def earlier_protected(releases: Sequence[Release]) -> list[ProtectedRelease]:
    """Earlier exact figures an attacker could combine with these. Differentially private
    releases publish noisy counts, which give no exact equation: their guarantee is the ledger's.
    """
    return [
        release_from_json(r.content)
        for r in releases
        if r.content and r.mode == Release.Mode.SUPPRESSION
    ]


def linkage_summary(run: LinkageRun) -> dict[str, Any]:
    return {
        "run": run.pk,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "method": "keyed Bloom-filter encodings compared by per-field scores, LSH blocking, "
        "clustering without chaining (balise.linkage)",
        "spec_version": run.spec_version,
        "situations": run.situations,
        "children": run.children,
        "children_interval": children_interval(run),
        "quality": run.quality,
    }


def metadata(
    *,
    title: str,
    period: int,
    tables: Sequence[str],
    geography: str,
    age_bands: str,
    threshold: int,
    run: LinkageRun,
    status: str,
    years: int = 1,
) -> dict[str, Any]:
    return {
        "title": title,
        "period": period,
        "years": [period - years + 1, period],
        "status": status,
        "tables": list(tables),
        "granularity": {"geography": geography, "age_bands": age_bands},
        "units": {
            "children": "distinct children (linkage clusters), each classified by their first "
            "situation of the period",
            "situations": "recorded situations",
        },
        "threshold": threshold,
        "suppression": SUPPRESSION_METHOD,
        "linkage": linkage_summary(run),
        "dictionary_version": current_version(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }


def _run_and_rows(period: int, years: int = 1) -> tuple[LinkageRun, list[dict[str, Any]]]:
    """The latest linkage run and the facts of ``period``; a clear error when either is missing."""
    run = latest_run()
    if run is None:
        raise ReleaseError("no linkage run yet: run `balise linkage run` first")
    rows = period_rows(period, years)
    if not rows:
        raise ReleaseError(f"no situation was detected in {period}: nothing to release")
    return run, rows


def _tabulate(
    rows: Sequence[Mapping[str, Any]],
    *,
    period: int,
    tables: Sequence[str],
    geography: str,
    age_bands: str,
    threshold: int,
    title: str,
    run: LinkageRun,
    status: str,
) -> ProtectedRelease:
    """The chosen tables of ``period`` tabulated from ``rows``, nothing withheld yet."""
    specs = table_specs(period=period, tables=tables, geography=geography, age_bands=age_bands)
    return build_release(
        specs,
        rows,
        metadata=metadata(
            title=title,
            period=period,
            tables=[s.name for s in specs],
            geography=geography,
            age_bands=age_bands,
            threshold=threshold,
            run=run,
            status=status,
        ),
        rules=DisclosureRules(threshold=threshold),
    )


def build(
    *,
    period: int,
    tables: Sequence[str] = TABLE_KEYS,
    geography: str = "province",
    age_bands: str = "primero",
    threshold: int = 10,
    title: str = "",
    status: str = "draft",
) -> Built:
    """Protect and audit the chosen tables of ``period`` against every published release."""
    check_period(period)
    if geography not in GEOGRAPHIES or age_bands not in AGE_BANDS:
        raise ReleaseError("unknown granularity")
    unknown = sorted(set(tables) - set(TABLE_KEYS))
    if unknown or not tables:
        raise ReleaseError(f"unknown or no tables: {', '.join(unknown) or 'none chosen'}")
    run, rows = _run_and_rows(period)
    draft = _tabulate(
        rows,
        period=period,
        tables=tables,
        geography=geography,
        age_bands=age_bands,
        threshold=threshold,
        title=title or f"Balise {period}",
        run=run,
        status=status,
    )
    releases = published_releases()
    earlier = earlier_protected(releases)
    try:
        protected = protect_release(draft, earlier=earlier)
        report = audit_release(protected, earlier=earlier)
    except InconsistentReleaseError as exc:
        raise ReleaseError(
            f"the current data contradict an earlier published release ({exc}); "
            "publish a revision only after the earlier figures are withdrawn"
        ) from None
    return Built(protected, report, run, [r.pk for r in releases])


def audit_summary(report: AuditReport) -> dict[str, Any]:
    return {
        "passed": report.passed,
        "seconds": round(report.seconds, 2),
        "withheld_cells_checked": len(report.cells),
        "class_checks": len(report.class_checks),
        "failures": len(report.failures),
    }


def to_json(built: Built) -> dict[str, Any]:
    document = release_to_json(built.protected)
    document["release"]["audit"] = audit_summary(built.report)
    return document


# --- workflow -----------------------------------------------------------------------------


def release_draft(
    *,
    actor: User,
    title: str,
    period: int,
    tables: Sequence[str],
    geography: str,
    age_bands: str,
    threshold: int = 10,
    mode: str = Release.Mode.CELL_KEY,
    epsilons: Mapping[str, float] | None = None,
    years: int = 1,
) -> Release:
    """Save a draft. In differential-privacy mode every chosen table needs its epsilon, and the
    epsilons together must fit in what the ledger leaves of the budget."""
    if not actor.is_analyst:
        raise PermissionDenied("analysts only")
    check_period(period)
    if not 1 <= years <= MAX_YEARS or (years > 1 and mode != Release.Mode.CELL_KEY):
        raise ReleaseError(
            f"a release covers 1 to {MAX_YEARS} years; several years need cell-key perturbation"
        )
    chosen = [t for t in TABLE_KEYS if t in tables]
    spend: dict[str, float] = {}
    if mode == Release.Mode.DP:
        spend = checked_epsilons(chosen, epsilons or {})
    elif mode not in (Release.Mode.SUPPRESSION, Release.Mode.CELL_KEY):
        raise ReleaseError(f"unknown release mode {mode!r}")
    release = Release.objects.create(
        title=title,
        period=period,
        years=years,
        mode=mode,
        epsilons=spend,
        tables=chosen,
        geography=geography,
        age_bands=age_bands,
        threshold=0 if mode == Release.Mode.DP else threshold,
        drafted_by=actor,
    )
    record_event(
        "observatory.release_drafted",
        actor=actor,
        object_type="release",
        object_id=release.pk,
        details={
            "period": period,
            "tables": release.tables,
            "geography": geography,
            "mode": mode,
            "years": years,
            "epsilon": sum(spend.values()),
        },
    )
    return release


EDITABLE_FIELDS: Final = ("title", "geography", "age_bands", "threshold", "years", "tables")


def release_update(*, actor: User, release: Release, **changes: Any) -> Release:
    """Change a draft (its preview is dropped: it must be computed again). Audited."""
    if not actor.is_analyst:
        raise PermissionDenied("analysts only")
    if release.is_published:
        raise ReleaseError("a published release is frozen")
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ReleaseError(f"these fields cannot be changed: {', '.join(unknown)}")
    if changes.get("geography", release.geography) not in GEOGRAPHIES:
        raise ReleaseError("unknown granularity")
    if changes.get("age_bands", release.age_bands) not in AGE_BANDS:
        raise ReleaseError("unknown granularity")
    years = int(changes.get("years", release.years))
    if not 1 <= years <= MAX_YEARS or (years > 1 and release.mode != Release.Mode.CELL_KEY):
        raise ReleaseError(
            f"a release covers 1 to {MAX_YEARS} years; several years need cell-key perturbation"
        )
    if "tables" in changes:
        changes["tables"] = [t for t in TABLE_KEYS if t in changes["tables"]]
        if not changes["tables"]:
            raise ReleaseError("unknown or no tables: none chosen")
    before = {name: getattr(release, name) for name in changes}
    for name, value in changes.items():
        setattr(release, name, value)
    release.preview = {}
    release.save(update_fields=[*changes, "preview"])
    record_event(
        "observatory.release_edited",
        actor=actor,
        object_type="release",
        object_id=release.pk,
        details={"before": before, "after": dict(changes)},
    )
    return release


def release_delete(*, actor: User, release: Release) -> None:
    """Delete a draft (never a published release). Audited."""
    if not actor.is_analyst:
        raise PermissionDenied("analysts only")
    if release.is_published:
        raise ReleaseError("a published release is frozen")
    details = {"title": release.title, "period": release.period, "mode": release.mode}
    pk = release.pk
    with transaction.atomic():
        release.delete()
        record_event(
            "observatory.release_deleted",
            actor=actor,
            object_type="release",
            object_id=pk,
            details=details,
        )


def release_withdraw(*, actor: User, release: Release, reason: str) -> Release:
    """Withdraw a published release: its public page shows a notice with the reason; its
    figures stay disclosed, so later releases are still checked against them. Audited."""
    if not actor.is_analyst:
        raise PermissionDenied("analysts only")
    if release.status != Release.Status.PUBLISHED:
        raise ReleaseError("only a published release can be withdrawn")
    reason = reason.strip()
    if not reason:
        raise ReleaseError("give the reason for the withdrawal: it is shown to the public")
    release.status = Release.Status.WITHDRAWN
    release.withdrawn_at = timezone.now()
    release.withdrawn_by = actor
    release.withdrawal_reason = reason
    with transaction.atomic():
        release.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        record_event(
            "observatory.release_withdrawn",
            actor=actor,
            object_type="release",
            object_id=release.pk,
            details={"period": release.period, "reason": reason, "sha256": release.content_sha256},
        )
    return release


def _pattern(protected: ProtectedRelease) -> dict[str, list[list[str]]]:
    return {t.name: [list(key) for key in sorted(t.suppressed)] for t in protected.tables}


def _cells(table: Table) -> list[dict[str, Any]]:
    out = []
    for key in table.spec.cell_keys():
        cell: dict[str, Any] = dict(zip(table.spec.dimension_names, key, strict=True))
        cell["value"] = table.values[key]
        cell["withheld"] = key in table.suppressed
        out.append(cell)
    return out


def release_preview(
    *, actor: User | None, release: Release, progress: Progress | None = None
) -> Release:
    """Compute what the draft would publish, what it withholds, and coarser views on offer."""
    if release.is_published:
        raise ReleaseError("a published release is frozen")
    if release.mode == Release.Mode.DP:
        return dp_preview(actor=actor, release=release)
    if release.mode == Release.Mode.CELL_KEY:
        return cell_key_preview(actor=actor, release=release, progress=progress)
    steps = 1 + len(release.tables)
    if progress is not None:
        progress(0, steps, "protecting all tables")
    built = build(
        period=release.period,
        tables=release.tables,
        geography=release.geography,
        age_bands=release.age_bands,
        threshold=release.threshold,
        title=release.title,
    )
    rows = period_rows(release.period)
    rules = DisclosureRules(threshold=release.threshold)
    suggestions = []
    for index, table in enumerate(built.protected.tables):
        if progress is not None:
            progress(1 + index, steps, f"coarser views {index + 1}/{steps - 1}")
        alternatives = coarser_alternatives(table.spec)
        if not alternatives:
            continue
        for option in suggest_coarsening(table.spec, rows, alternatives, rules=rules)[1:]:
            suggestions.append(
                {
                    "table": table.name,
                    "replaced": option.replaced,
                    "dimensions": list(option.dimensions),
                    "cells": option.cells,
                    "suppressed": option.suppressed,
                    "current_suppressed": len(table.suppressed),
                    "current_cells": len(table.values),
                }
            )
    release.preview = {
        "linkage_run": built.run.pk,
        "earlier": built.earlier_ids,
        "pattern": _pattern(built.protected),
        "tables": [
            {
                "name": t.name,
                "unit": t.spec.unit,
                "dimensions": list(t.spec.dimension_names),
                "cells": _cells(t),
            }
            for t in built.protected.tables
        ],
        "audit": audit_summary(built.report),
        "suggestions": suggestions,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }
    release.linkage_run = built.run
    release.save(update_fields=["preview", "linkage_run"])
    record_event(
        "observatory.release_previewed",
        actor=actor,
        object_type="release",
        object_id=release.pk,
        details={"withheld": built.protected.suppressed_count, "passed": built.report.passed},
    )
    return release


def release_approve(*, actor: User, release: Release) -> Release:
    """A second analyst approves: re-check the preview against current data, audit, freeze."""
    if not actor.is_analyst:
        raise PermissionDenied("analysts only")
    if release.drafted_by_id == actor.pk:
        record_event(
            "observatory.release_self_approval_refused",
            actor=actor,
            object_type="release",
            object_id=release.pk,
        )
        raise PermissionDenied("the analyst who drafted a release cannot approve it")
    if release.is_published:
        raise ReleaseError("this release is already published")
    preview = release.preview or {}
    run = latest_run()
    releases = published_releases()
    if not preview or run is None or preview.get("linkage_run") != run.pk:
        raise ReleaseError("the preview is missing or out of date: compute it again")
    if preview.get("earlier") != [r.pk for r in releases]:
        raise ReleaseError("another release was published since the preview: compute it again")
    if release.mode == Release.Mode.DP:
        return dp_approve(actor=actor, release=release)
    if release.mode == Release.Mode.CELL_KEY:
        return cell_key_approve(actor=actor, release=release)
    tabulated = _tabulate(
        period_rows(release.period),
        period=release.period,
        tables=release.tables,
        geography=release.geography,
        age_bands=release.age_bands,
        threshold=release.threshold,
        title=release.title,
        run=run,
        status="published",
    )
    # Withhold the previewed pattern. The audit needs each withheld cell's reason to know the
    # protection it demands: take them from a fresh primary pass, the complement is
    # "secondary"; a primary cell outside the pattern means the data changed since the preview.
    pattern: Mapping[str, list[list[str]]] = preview.get("pattern", {})
    rules = tabulated.rules
    tables = []
    for t in tabulated.tables:
        primary = primary_suppressions(t, rules)
        withheld = {tuple(k) for k in pattern.get(t.name, [])}
        if any(k not in withheld for k in primary):
            raise ReleaseError("the data changed since the preview: compute it again")
        tables.append(
            Table(
                spec=t.spec,
                values=t.values,
                suppressed={k: primary.get(k, "secondary") for k in withheld},
            )
        )
    protected = ProtectedRelease(
        metadata={**tabulated.metadata, "id": release.pk}, tables=tuple(tables), rules=rules
    )
    report = audit_release(protected, earlier=earlier_protected(releases))
    if not report.passed:
        raise ReleaseError("the independent audit found a disclosure: the release stays a draft")
    now = timezone.now()
    protected = ProtectedRelease(
        metadata={**protected.metadata, "published_at": now.isoformat(timespec="seconds")},
        tables=protected.tables,
        rules=rules,
    )
    document = release_to_json(protected)
    document["release"]["audit"] = audit_summary(report)
    with transaction.atomic():
        _freeze_and_publish(
            release,
            actor=actor,
            document=document,
            summary=audit_summary(report),
            now=now,
            details={"withheld": protected.suppressed_count},
        )
    return release


def _freeze_and_publish(
    release: Release,
    *,
    actor: User,
    document: dict[str, Any],
    summary: dict[str, Any],
    now: datetime,
    details: dict[str, Any],
) -> None:
    """Freeze the release's JSON with its digest, mark it published, and audit that."""
    release.content = document
    release.content_sha256 = hashlib.sha256(canonical(document)).hexdigest()
    release.audit_summary = summary
    release.approved_by = actor
    release.published_at = now
    release.status = Release.Status.PUBLISHED
    release.save()
    record_event(
        "observatory.release_published",
        actor=actor,
        object_type="release",
        object_id=release.pk,
        details={
            "period": release.period,
            "sha256": release.content_sha256,
            "drafted_by": release.drafted_by_id,
            **details,
        },
    )


def canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- optional differential-privacy mode -------------------------------------------------------


def published_ledger(budget: float | None) -> Any:
    """The epsilon ledger of every published differentially private release."""
    from balise.disclosure.dp import LedgerEntry, PrivacyLedger

    ledger = PrivacyLedger(budget=budget)
    for release in published_releases():
        privacy = (release.content or {}).get("release", {}).get("privacy") or {}
        for table, spent in (privacy.get("tables") or {}).items():
            ledger.entries.append(LedgerEntry(str(release.pk), table, float(spent["epsilon"])))
    return ledger


def build_dp(
    *,
    period: int,
    epsilon: float,
    budget: float | None = None,
    geography: str = "province",
    age_bands: str = "primero",
) -> dict[str, Any]:
    """A would-be release in differential-privacy mode (OpenDP): noisy counts, no suppression.

    One child is the privacy unit; the categories are the dictionary's code lists; each table
    spends ``epsilon``; the ledger of published releases must leave room for them. The
    multi-valued children-by-sector table, too costly for exact suppression auditing, fits here:
    its noise is scaled to the nine counts a child can touch.
    """
    from balise.disclosure import Dimension, TableSpec
    from balise.disclosure.dp import dp_available, dp_release, dp_release_to_json

    check_period(period)
    if not dp_available():
        raise ReleaseError("differential privacy needs the optional OpenDP dependency")
    if epsilon <= 0:
        raise ReleaseError("epsilon must be positive")
    run, rows = _run_and_rows(period)
    specs = table_specs(period=period, geography=geography, age_bands=age_bands)
    sectors = [entry.code for entry in vocabulary("sectors")]
    specs.append(
        TableSpec(
            name="children_by_sector",
            unit="children",
            dimensions=(Dimension.flat("sectors", sectors, variable="sector", multi_valued=True),),
            scope={"year": frozenset({str(period)})},
        )
    )
    ledger = published_ledger(budget)
    try:
        noisy = dp_release(
            specs,
            rows,
            epsilon=epsilon,
            ledger=ledger,
            release_id=f"would-be-{period}",
            metadata=metadata(
                title=f"Balise {period} (differential privacy)",
                period=period,
                tables=[s.name for s in specs],
                geography=geography,
                age_bands=age_bands,
                threshold=0,
                run=run,
                status="would-be release (not published)",
            )
            | {"suppression": "none: differential privacy (discrete Laplace noise)"},
        )
    except RuntimeError as exc:  # PrivacyBudgetExceeded
        raise ReleaseError(str(exc)) from None
    document: dict[str, Any] = dp_release_to_json(noisy, ledger)
    return document


# --- differential privacy through the workflow ---------------------------------------------


def dp_budget() -> float:
    return float(settings.BALISE_DP_EPSILON_BUDGET)


def checked_epsilons(tables: Sequence[str], epsilons: Mapping[str, float]) -> dict[str, float]:
    """The epsilon of each chosen table, refused unless all are positive and the ledger has room."""
    from balise.disclosure.dp import PrivacyBudgetExceeded, dp_available

    if not dp_available():
        raise ReleaseError("differential privacy needs the optional OpenDP dependency")
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


def ledger_state() -> dict[str, float]:
    """Budget, spent and remaining epsilon, from every published release's frozen JSON."""
    ledger = published_ledger(dp_budget())
    return {
        "budget": dp_budget(),
        "spent": ledger.total,
        "remaining": max(0.0, ledger.remaining()),
    }


def _with_cell_margins(document: dict[str, Any]) -> dict[str, Any]:
    """Each cell also carries its 95% error margin (``error_95``) beside ``value``."""
    margins = document["release"]["privacy"]["error_95"]
    for table in document["tables"]:
        for cell, margin in zip(table["cells"], margins[table["name"]], strict=True):
            cell["error_95"] = margin
    return document


def dp_preview(*, actor: User | None, release: Release) -> Release:
    """Draw the noisy tables once (analysts see the draw; only the approved one is published)."""
    from balise.disclosure.dp import PrivacyBudgetExceeded, dp_release, dp_release_to_json

    epsilons = checked_epsilons(release.tables, release.epsilons)
    run = latest_run()
    if run is None:
        raise ReleaseError("no linkage run yet: run `balise linkage run` first")
    rows = period_rows(release.period)
    if not rows:
        raise ReleaseError(f"no situation was detected in {release.period}: nothing to release")
    specs = table_specs(
        period=release.period,
        tables=release.tables,
        geography=release.geography,
        age_bands=release.age_bands,
    )
    releases = published_releases()
    ledger = published_ledger(dp_budget())
    meta = metadata(
        title=release.title,
        period=release.period,
        tables=[s.name for s in specs],
        geography=release.geography,
        age_bands=release.age_bands,
        threshold=0,
        run=run,
        status="draft",
    ) | {"suppression": "none: differential privacy (discrete Laplace noise)"}
    try:
        noisy = dp_release(
            specs, rows, epsilon=epsilons, ledger=ledger, release_id=str(release.pk), metadata=meta
        )
    except PrivacyBudgetExceeded as exc:
        raise ReleaseError(str(exc)) from None
    document = _with_cell_margins(dp_release_to_json(noisy, ledger))
    release.preview = {
        "mode": "dp",
        "linkage_run": run.pk,
        "earlier": [r.pk for r in releases],
        "document": document,
        "tables": document["tables"],
        "ledger": ledger_state(),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }
    release.linkage_run = run
    release.save(update_fields=["preview", "linkage_run"])
    record_event(
        "observatory.release_previewed",
        actor=actor,
        object_type="release",
        object_id=release.pk,
        details={"mode": "dp", "epsilon": math.fsum(epsilons.values())},
    )
    return release


def dp_approve(*, actor: User, release: Release) -> Release:
    """Freeze the previewed draw, once the ledger is checked again (a release may have spent).

    Approvals take a lock on the preview's linkage run first, so two analysts approving at the
    same moment are serialised and the second sees the first's epsilon in the ledger.
    """
    document: dict[str, Any] = json.loads(json.dumps(release.preview["document"]))
    with transaction.atomic():
        locked = LinkageRun.objects.select_for_update().filter(pk=release.preview["linkage_run"])
        list(locked.values_list("pk", flat=True))  # evaluated: SELECT ... FOR UPDATE
        if release.preview.get("earlier") != [r.pk for r in published_releases()]:
            raise ReleaseError("another release was published since the preview: compute it again")
        epsilons = checked_epsilons(release.tables, release.epsilons)
        if sorted(t["name"] for t in document["tables"]) != sorted(epsilons):
            raise ReleaseError("the preview is missing or out of date: compute it again")
        now = timezone.now()
        spent_before = published_ledger(dp_budget()).total
        document["release"].update(
            {
                "status": "published",
                "id": release.pk,
                "published_at": now.isoformat(timespec="seconds"),
            }
        )
        privacy = document["release"]["privacy"]
        privacy["cumulative_epsilon"] = spent_before + math.fsum(epsilons.values())
        privacy["budget"] = dp_budget()
        summary = {"mode": "dp", "passed": True, "epsilon": math.fsum(epsilons.values())}
        document["release"]["audit"] = summary
        _freeze_and_publish(
            release,
            actor=actor,
            document=document,
            summary=summary,
            now=now,
            details={
                "mode": "dp",
                "epsilon": summary["epsilon"],
                "cumulative_epsilon": privacy["cumulative_epsilon"],
            },
        )
    return release


# --- cell-key perturbation (the default for small volumes) -----------------------------------


def cell_key_secret() -> bytes:
    """The secret behind every record key: ``BALISE_CELL_KEY_SECRET``, else derived from the
    audit chain key. Both live outside the database; changing it changes every published value
    of later releases (docs/disclosure.md)."""
    configured = getattr(settings, "CELL_KEY_SECRET", None)
    if configured:
        return str(configured).encode("utf-8")
    return hmac.new(
        str(settings.AUDIT_CHAIN_KEY).encode("utf-8"), b"balise cell keys", hashlib.sha256
    ).digest()


def ptable() -> PTable:
    return PTable.build(
        max_noise=MAX_NOISE, variance=NOISE_VARIANCE, never_published=NEVER_PUBLISHED
    )


def _earlier_for_attack(
    releases: Sequence[Release],
) -> tuple[list[ProtectedRelease], list[tuple[ProtectedRelease, Callable[[int], tuple[int, int]]]]]:
    """Earlier exact figures (equalities) and earlier perturbed ones (bounds from their ptable)."""
    exact = earlier_protected(releases)
    perturbed: list[tuple[ProtectedRelease, Callable[[int], tuple[int, int]]]] = []
    for release in releases:
        if release.mode != Release.Mode.CELL_KEY or not release.content:
            continue
        parameters = release.content["release"]["perturbation"]["ptable"]
        perturbed.append((release_from_json(release.content), PTable.from_json(parameters).origins))
    return exact, perturbed


@dataclass(frozen=True)
class BuiltPerturbed:
    perturbed: PerturbedRelease
    attack: PerturbationAudit
    run: LinkageRun
    earlier_ids: list[int]


def build_cell_key(
    *,
    period: int,
    tables: Sequence[str] = TABLE_KEYS,
    geography: str = "province",
    age_bands: str = "primero",
    threshold: int = 10,
    years: int = 1,
    title: str = "",
    status: str = "draft",
    release_id: int | None = None,
    progress: Progress | None = None,
) -> BuiltPerturbed:
    """Perturb every cell of the chosen tables and attack the result with everything published.

    Deterministic: the same facts give the same figures (the record keys are fixed), which is
    what lets approval check that nothing moved since the preview.
    """
    check_period(period)
    if geography not in GEOGRAPHIES or age_bands not in AGE_BANDS:
        raise ReleaseError("unknown granularity")
    if not 1 <= years <= MAX_YEARS:
        raise ReleaseError(f"a release covers 1 to {MAX_YEARS} years")
    unknown = sorted(set(tables) - set(TABLE_KEYS))
    if unknown or not tables:
        raise ReleaseError(f"unknown or no tables: {', '.join(unknown) or 'none chosen'}")
    run, rows = _run_and_rows(period, years)
    specs = table_specs(
        period=period, tables=tables, geography=geography, age_bands=age_bands, years=years
    )
    meta = metadata(
        title=title or f"Balise {period}",
        period=period,
        tables=[s.name for s in specs],
        geography=geography,
        age_bands=age_bands,
        threshold=threshold,
        run=run,
        status=status,
        years=years,
    ) | {"suppression": CELL_KEY_METHOD}
    if release_id is not None:
        meta["id"] = release_id

    cells = sum(len(list(spec.cell_keys())) for spec in specs)

    def tabulating(done: int, total: int, stage: str) -> None:
        if progress is not None:
            # A job's stage holds 32 characters: the table's number, not its name.
            progress(done, total + cells, f"perturbing table {min(done + 1, total)}/{total}")

    perturbed = perturb_release(
        specs, rows, secret=cell_key_secret(), ptable=ptable(), metadata=meta, progress=tabulating
    )
    releases = published_releases()
    exact, earlier_perturbed = _earlier_for_attack(releases)

    def attacking(done: int, total: int, _stage: str) -> None:
        if progress is not None:
            progress(len(specs) + done, len(specs) + total, f"attack: cell {done}/{total}")

    try:
        attack = audit_perturbed(
            perturbed.true.tables,
            perturbed.published,
            perturbed.ptable.origins,
            earlier=exact,
            earlier_perturbed=earlier_perturbed,
            threshold=threshold,
            progress=attacking,
        )
    except InconsistentReleaseError as exc:
        raise ReleaseError(
            f"the current data contradict an earlier published release ({exc}); "
            "publish a revision only after the earlier figures are withdrawn"
        ) from None
    return BuiltPerturbed(perturbed, attack, run, [r.pk for r in releases])


def cell_key_document(built: BuiltPerturbed) -> dict[str, Any]:
    document = perturbed_release_to_json(built.perturbed)
    document["release"]["audit"] = built.attack.summary() | {"mode": "cellkey"}
    return document


def _cell_key_suggestions(release: Release, built: BuiltPerturbed) -> list[dict[str, Any]]:
    """Coarser views and how many of their cells hold a small true count (noise-dominated)."""
    rows = period_rows(release.period, release.years)
    rules = DisclosureRules(threshold=release.threshold, class_disclosure=False)
    out = []
    for table in built.perturbed.true.tables:
        alternatives = coarser_alternatives(table.spec)
        if not alternatives:
            continue
        options = suggest_coarsening(table.spec, rows, alternatives, rules=rules, secondary=False)
        drafted = options[0]
        for option in options[1:]:
            out.append(
                {
                    "table": table.name,
                    "replaced": option.replaced,
                    "dimensions": list(option.dimensions),
                    "cells": option.cells,
                    "small": option.primary,
                    "current_small": drafted.primary,
                    "current_cells": drafted.cells,
                    "apply": _apply_fields(option.dimensions),
                }
            )
    return out


def _apply_fields(dimensions: Sequence[str]) -> dict[str, str]:
    """The draft settings that give a coarser view (one click on the preview page)."""
    for name in dimensions:
        if name in GEOGRAPHIES:
            return {"geography": name}
    return {"age_bands": "primero"}


def cell_key_preview(
    *, actor: User | None, release: Release, progress: Progress | None = None
) -> Release:
    built = build_cell_key(
        period=release.period,
        tables=release.tables,
        geography=release.geography,
        age_bands=release.age_bands,
        threshold=release.threshold,
        years=release.years,
        title=release.title,
        progress=progress,
    )
    document = cell_key_document(built)
    release.preview = {
        "mode": "cellkey",
        "linkage_run": built.run.pk,
        "earlier": built.earlier_ids,
        "tables": document["tables"],
        "perturbation": document["release"]["perturbation"],
        "audit": document["release"]["audit"],
        "suggestions": _cell_key_suggestions(release, built),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }
    release.linkage_run = built.run
    release.save(update_fields=["preview", "linkage_run"])
    record_event(
        "observatory.release_previewed",
        actor=actor,
        object_type="release",
        object_id=release.pk,
        details={
            "mode": "cellkey",
            "mean_absolute_error": built.perturbed.summary()["mean_absolute_error"],
            "passed": built.attack.passed,
        },
    )
    return release


def cell_key_approve(*, actor: User, release: Release) -> Release:
    """Recompute the figures (deterministic), check they are the previewed ones, attack, freeze."""
    built = build_cell_key(
        period=release.period,
        tables=release.tables,
        geography=release.geography,
        age_bands=release.age_bands,
        threshold=release.threshold,
        years=release.years,
        title=release.title,
        status="published",
        release_id=release.pk,
    )
    document = cell_key_document(built)
    if document["tables"] != release.preview.get("tables"):
        raise ReleaseError("the data changed since the preview: compute it again")
    if not built.attack.passed:
        raise ReleaseError(
            "the independent attack recovered a small count: the release stays a draft"
        )
    now = timezone.now()
    document["release"]["published_at"] = now.isoformat(timespec="seconds")
    with transaction.atomic():
        _freeze_and_publish(
            release,
            actor=actor,
            document=document,
            summary=document["release"]["audit"],
            now=now,
            details={
                "mode": "cellkey",
                "mean_absolute_error": document["release"]["perturbation"]["mean_absolute_error"],
            },
        )
    return release

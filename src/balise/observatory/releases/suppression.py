"""Suppression with an audit: exact counts, small ones and those that would reveal them
withheld over all tables of the release together and against every earlier release, then
attacked by the independent integer-programming recovery before anything is frozen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from balise.disclosure import (
    CountTable,
    DisclosureRules,
    InconsistentReleaseError,
    RecoveryReport,
    ReleaseTables,
    attack_release,
    build_release,
    primary_suppressions,
    protect_and_attack,
    release_to_json,
    suggest_coarsening,
)
from balise.observatory.models import LinkageRun, Release
from balise.observatory.releases import common
from balise.observatory.releases.common import Design, Frozen, Preview, Progress, ReleaseError
from balise.observatory.tables import coarser_alternatives, period_rows

METHOD: Final = (
    "primary suppression of counts below the threshold and of class disclosures, then "
    "complementary suppression chosen by integer programming (HiGHS) over all tables of the "
    "release together and against every earlier release; checked by an independent integer-"
    "programming audit"
)


@dataclass(frozen=True)
class Built:
    protected: ReleaseTables
    report: RecoveryReport
    run: LinkageRun
    earlier_ids: list[int]


def tabulate(
    design: Design, rows: Sequence[Mapping[str, Any]], *, run: LinkageRun, status: str
) -> ReleaseTables:
    """The design's tables tabulated from ``rows``, nothing withheld yet."""
    specs = design.specs()
    return build_release(
        specs,
        rows,
        metadata=design.metadata(specs=specs, run=run, status=status, protection=METHOD),
        rules=DisclosureRules(threshold=design.threshold),
    )


def build(design: Design, *, status: str = "draft") -> Built:
    """Protect and audit the design's tables against every published release."""
    run, rows = common.run_and_rows(design.checked())
    draft = tabulate(design, rows, run=run, status=status)
    releases = common.published_releases()
    earlier = common.earlier_protected(releases)
    try:
        # The protection ends with the independent attack (and repairs until it passes): its
        # report is the one the preview shows, not a second run of the same attack.
        protected, report = protect_and_attack(draft, earlier=earlier)
    except InconsistentReleaseError as exc:
        raise common.contradiction(exc) from None
    return Built(protected, report, run, [r.pk for r in releases])


def attack_summary(report: RecoveryReport) -> dict[str, Any]:
    return {
        "passed": report.passed,
        "seconds": round(report.seconds, 2),
        "withheld_cells_checked": len(report.cells),
        "class_checks": len(report.class_checks),
        "failures": len(report.failures),
    }


def document(protected: ReleaseTables, report: RecoveryReport) -> dict[str, Any]:
    """The JSON contract of a protected release, with the attack's summary."""
    out = release_to_json(protected)
    out["release"]["audit"] = attack_summary(report)
    return out


def _pattern(protected: ReleaseTables) -> dict[str, list[list[str]]]:
    return {t.name: [list(key) for key in sorted(t.suppressed)] for t in protected.tables}


def _cells(table: CountTable) -> list[dict[str, Any]]:
    out = []
    for key in table.spec.cell_keys():
        cell: dict[str, Any] = dict(zip(table.spec.dimension_names, key, strict=True))
        cell["value"] = table.values[key]
        cell["withheld"] = key in table.suppressed
        out.append(cell)
    return out


def preview(release: Release, *, progress: Progress | None = None) -> Preview:
    """What the draft would publish, what it withholds, and coarser views on offer."""
    design = Design.of(release)
    steps = 1 + len(release.tables)
    if progress is not None:
        progress(0, steps, "protecting all tables")
    built = build(design)
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
    content = {
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
        "audit": attack_summary(built.report),
        "suggestions": suggestions,
        "computed_at": common.computed_at(),
    }
    details = {"withheld": built.protected.suppressed_count, "passed": built.report.passed}
    return Preview(content, built.run, details)


def frozen(
    release: Release, *, run: LinkageRun, releases: Sequence[Release], published_at: str
) -> Frozen:
    """Withhold the previewed pattern, attack it again with everything published, freeze.

    The audit needs each withheld cell's reason to know the protection it demands: they come
    from a fresh primary pass, the complement is "secondary"; a primary cell outside the
    pattern means the data changed since the preview.
    """
    tabulated = tabulate(
        Design.of(release), period_rows(release.period), run=run, status="published"
    )
    pattern: Mapping[str, list[list[str]]] = release.preview.get("pattern", {})
    rules = tabulated.rules
    tables = []
    for t in tabulated.tables:
        primary = primary_suppressions(t, rules)
        withheld = {tuple(k) for k in pattern.get(t.name, [])}
        if any(k not in withheld for k in primary):
            raise ReleaseError("the data changed since the preview: compute it again")
        tables.append(
            CountTable(
                spec=t.spec,
                values=t.values,
                suppressed={k: primary.get(k, "secondary") for k in withheld},
            )
        )
    protected = ReleaseTables(
        metadata={**tabulated.metadata, "id": release.pk}, tables=tuple(tables), rules=rules
    )
    report = attack_release(protected, earlier=common.earlier_protected(releases))
    if not report.passed:
        raise ReleaseError("the independent audit found a disclosure: the release stays a draft")
    protected = ReleaseTables(
        metadata={**protected.metadata, "published_at": published_at},
        tables=protected.tables,
        rules=rules,
    )
    return Frozen(
        document(protected, report),
        attack_summary(report),
        {"withheld": protected.suppressed_count},
    )

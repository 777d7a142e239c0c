"""Cell-key perturbation, the default for small volumes: every cell published with a small,
consistent noise drawn from the sum of its contributors' fixed secret keys, then attacked by
the independent integer-programming recovery with everything published so far."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings

from balise.disclosure import (
    DisclosureRules,
    InconsistentReleaseError,
    PerturbationRecovery,
    PerturbedRelease,
    PTable,
    ReleaseTables,
    attack_perturbed,
    perturb_release,
    perturbed_release_to_json,
    release_from_json,
    suggest_coarsening,
)
from balise.observatory.models import LinkageRun, Release
from balise.observatory.releases import common
from balise.observatory.releases.common import Design, Frozen, Preview, Progress, ReleaseError
from balise.observatory.tables import GEOGRAPHIES, coarser_alternatives, period_rows

METHOD: Final = (
    "none withheld: cell-key perturbation (each child and situation carries a fixed secret "
    "random key; a cell's published value is a fixed function of its true count and of the sum "
    "of its contributors' keys, so the same cell has the same value in every table and release); "
    "checked by an independent integer-programming attack"
)
#: Published values differ from true counts by at most 4, never show 1 or 2, and have
#: variance 2 (docs/disclosure.md, "Cell-key perturbation").
MAX_NOISE: Final = 4
NOISE_VARIANCE: Final = 2.0
NEVER_PUBLISHED: Final = 2


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


Origins = Callable[[int], tuple[int, int]]


def _earlier_for_attack(
    releases: Sequence[Release],
) -> tuple[list[ReleaseTables], list[tuple[ReleaseTables, Origins]]]:
    """Earlier exact figures (equalities) and earlier perturbed ones (bounds from their ptable)."""
    exact = common.earlier_protected(releases)
    perturbed: list[tuple[ReleaseTables, Origins]] = []
    for release in releases:
        if release.mode != Release.Mode.CELL_KEY or not release.content:
            continue
        parameters = release.content["release"]["perturbation"]["ptable"]
        perturbed.append((release_from_json(release.content), PTable.from_json(parameters).origins))
    return exact, perturbed


@dataclass(frozen=True)
class BuiltPerturbed:
    perturbed: PerturbedRelease
    attack: PerturbationRecovery
    run: LinkageRun
    earlier_ids: list[int]


def build(
    design: Design,
    *,
    status: str = "draft",
    release_id: int | None = None,
    progress: Progress | None = None,
) -> BuiltPerturbed:
    """Perturb every cell of the design's tables and attack the result with everything published.

    Deterministic: the same facts give the same figures (the record keys are fixed), which is
    what lets approval check that nothing moved since the preview.
    """
    run, rows = common.run_and_rows(design.checked())
    specs = design.specs()
    meta = design.metadata(specs=specs, run=run, status=status, protection=METHOD)
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
    releases = common.published_releases()
    exact, earlier_perturbed = _earlier_for_attack(releases)

    def attacking(done: int, total: int, _stage: str) -> None:
        if progress is not None:
            progress(len(specs) + done, len(specs) + total, f"attack: cell {done}/{total}")

    try:
        attack = attack_perturbed(
            perturbed.true.tables,
            perturbed.published,
            perturbed.ptable.origins,
            earlier=exact,
            earlier_perturbed=earlier_perturbed,
            threshold=design.threshold,
            progress=attacking,
        )
    except InconsistentReleaseError as exc:
        raise common.contradiction(exc) from None
    return BuiltPerturbed(perturbed, attack, run, [r.pk for r in releases])


def document(built: BuiltPerturbed) -> dict[str, Any]:
    out = perturbed_release_to_json(built.perturbed)
    out["release"]["audit"] = built.attack.summary() | {"mode": "cellkey"}
    return out


def _suggestions(release: Release, built: BuiltPerturbed) -> list[dict[str, Any]]:
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


def preview(release: Release, *, progress: Progress | None = None) -> Preview:
    built = build(Design.of(release), progress=progress)
    out = document(built)
    content = {
        "mode": "cellkey",
        "linkage_run": built.run.pk,
        "earlier": built.earlier_ids,
        "tables": out["tables"],
        "perturbation": out["release"]["perturbation"],
        "audit": out["release"]["audit"],
        "suggestions": _suggestions(release, built),
        "computed_at": common.computed_at(),
    }
    details = {
        "mode": "cellkey",
        "mean_absolute_error": built.perturbed.summary()["mean_absolute_error"],
        "passed": built.attack.passed,
    }
    return Preview(content, built.run, details)


def frozen(
    release: Release, *, run: LinkageRun, releases: Sequence[Release], published_at: str
) -> Frozen:
    """Recompute the figures (deterministic), check they are the previewed ones and that the
    attack recovers nothing."""
    built = build(Design.of(release), status="published", release_id=release.pk)
    out = document(built)
    if out["tables"] != release.preview.get("tables"):
        raise ReleaseError("the data changed since the preview: compute it again")
    if not built.attack.passed:
        raise ReleaseError(
            "the independent attack recovered a small count: the release stays a draft"
        )
    out["release"]["published_at"] = published_at
    details = {
        "mode": "cellkey",
        "mean_absolute_error": out["release"]["perturbation"]["mean_absolute_error"],
    }
    return Frozen(out, out["release"]["audit"], details)

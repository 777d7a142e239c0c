"""What every protection mode shares: the design of a release and its checks, the release's
metadata, the releases published so far, and the errors a release workflow reports."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.utils import timezone

from balise.disclosure import DEFAULT_THRESHOLD, ReleaseTables, TableSpec, release_from_json
from balise.observatory.models import LinkageRun, Release
from balise.observatory.selectors import children_interval, latest_run
from balise.observatory.tables import (
    AGE_BANDS,
    CATEGORIES,
    GEOGRAPHIES,
    TABLE_KEYS,
    period_rows,
    table_specs,
)
from balise.taxonomy.loader import current_version

#: The first year a release may cover.
EARLIEST_YEAR: Final = 2000
#: A release covers at most this many years, ending with its period (cell-key perturbation).
MAX_YEARS: Final = 3

Progress = Callable[[int, int, str], None]


class ReleaseError(ValueError):
    """A release cannot be built, approved or exported; the message says why."""


@dataclass(frozen=True)
class Design:
    """What a release tabulates: a period (the last of ``years``), tables and granularity."""

    period: int
    tables: tuple[str, ...] = TABLE_KEYS
    geography: str = "province"
    age_bands: str = "primero"
    categories: str = "detailed"
    threshold: int = DEFAULT_THRESHOLD
    years: int = 1
    title: str = ""

    @classmethod
    def of(cls, release: Release) -> Design:
        return cls(
            period=release.period,
            tables=tuple(release.tables),
            geography=release.geography,
            age_bands=release.age_bands,
            categories=release.categories,
            threshold=release.threshold,
            years=release.years,
            title=release.title,
        )

    def checked(self) -> Design:
        """This design, or a ReleaseError naming what is wrong with it."""
        check_period(self.period)
        if (
            self.geography not in GEOGRAPHIES
            or self.age_bands not in AGE_BANDS
            or self.categories not in CATEGORIES
        ):
            raise ReleaseError("unknown granularity")
        if not 1 <= self.years <= MAX_YEARS:
            raise ReleaseError(f"a release covers 1 to {MAX_YEARS} years")
        unknown = sorted(set(self.tables) - set(TABLE_KEYS))
        if unknown or not self.tables:
            raise ReleaseError(f"unknown or no tables: {', '.join(unknown) or 'none chosen'}")
        return self

    def specs(self) -> list[TableSpec]:
        return table_specs(
            period=self.period,
            tables=self.tables,
            geography=self.geography,
            age_bands=self.age_bands,
            years=self.years,
            categories=self.categories,
        )

    def metadata(
        self, *, specs: Sequence[TableSpec], run: LinkageRun, status: str, protection: str
    ) -> dict[str, Any]:
        """The ``release`` block of the JSON contract (docs/disclosure.md)."""
        return {
            "title": self.title or f"Balise {self.period}",
            "period": self.period,
            "years": [self.period - self.years + 1, self.period],
            "status": status,
            "tables": [s.name for s in specs],
            "granularity": {
                "geography": self.geography,
                "age_bands": self.age_bands,
                "categories": self.categories,
            },
            "units": {
                "children": "distinct children (linkage clusters), each classified by their "
                "first situation of the period",
                "situations": "recorded situations",
            },
            "threshold": self.threshold,
            "suppression": protection,
            "linkage": linkage_summary(run),
            "dictionary_version": current_version(),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
        }


def check_period(period: int) -> None:
    this_year = timezone.localdate().year
    if not EARLIEST_YEAR <= period <= this_year:
        raise ReleaseError(f"the period must be a year from {EARLIEST_YEAR} to {this_year}")


def check_years(years: int, mode: str) -> None:
    if not 1 <= years <= MAX_YEARS or (years > 1 and mode != Release.Mode.CELL_KEY):
        raise ReleaseError(
            f"a release covers 1 to {MAX_YEARS} years; several years need cell-key perturbation"
        )


def published_releases() -> list[Release]:
    """Every release whose figures were made public, withdrawn ones included: a withdrawal
    does not make readers forget, so later releases are protected against them too."""
    return list(Release.objects.disclosed().order_by("published_at", "pk"))


def earlier_protected(releases: Sequence[Release]) -> list[ReleaseTables]:
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


def run_and_rows(design: Design) -> tuple[LinkageRun, list[dict[str, Any]]]:
    """The latest linkage run and the facts of the design's years; a clear error when either
    is missing."""
    run = latest_run()
    if run is None:
        raise ReleaseError("no linkage run yet: run `balise linkage run` first")
    rows = period_rows(design.period, design.years)
    if not rows:
        raise ReleaseError(f"no situation was detected in {design.period}: nothing to release")
    return run, rows


def contradiction(exc: Exception) -> ReleaseError:
    return ReleaseError(
        f"the current data contradict an earlier published release ({exc}); "
        "publish a revision only after the earlier figures are withdrawn"
    )


@dataclass(frozen=True)
class Preview:
    """What a mode computed for a draft: the stored preview, its run, the audit event's details."""

    content: dict[str, Any]
    run: LinkageRun
    details: dict[str, Any]


@dataclass(frozen=True)
class Frozen:
    """A release as it will be published: its JSON, the attack's summary, the audit details."""

    document: dict[str, Any]
    summary: dict[str, Any]
    details: dict[str, Any]


def canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def computed_at() -> str:
    return timezone.now().isoformat(timespec="seconds")

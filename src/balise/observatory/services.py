"""The observatory's writes: stored dashboard figures and the release workflow (draft, edit,
delete, preview, second-analyst approval, withdrawal). Each is audited; the protection modes
in ``balise.observatory.releases`` compute, these functions save."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.disclosure import DEFAULT_THRESHOLD
from balise.observatory import figures, selectors
from balise.observatory.models import DashboardFigure, LinkageRun, Release
from balise.observatory.releases import cellkey, dp, suppression
from balise.observatory.releases.common import (
    Frozen,
    Progress,
    ReleaseError,
    canonical,
    check_period,
    check_years,
    published_releases,
)
from balise.observatory.tables import AGE_BANDS, CATEGORIES, GEOGRAPHIES, TABLE_KEYS


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


# --- the release workflow -----------------------------------------------------------------


def _analysts_only(actor: User) -> None:
    if not actor.is_analyst:
        raise PermissionDenied("analysts only")


def _draft_only(release: Release) -> None:
    if release.is_published:
        raise ReleaseError("a published release is frozen")


def release_draft(
    *,
    actor: User,
    title: str,
    period: int,
    tables: Sequence[str],
    geography: str,
    age_bands: str,
    categories: str = "detailed",
    threshold: int = DEFAULT_THRESHOLD,
    mode: str = Release.Mode.CELL_KEY,
    epsilons: Mapping[str, float] | None = None,
    years: int = 1,
) -> Release:
    """Save a draft. In differential-privacy mode every chosen table needs its epsilon, and the
    epsilons together must fit in what the ledger leaves of the budget."""
    _analysts_only(actor)
    check_period(period)
    check_years(years, mode)
    if categories not in CATEGORIES:
        raise ReleaseError("unknown granularity")
    chosen = [t for t in TABLE_KEYS if t in tables]
    spend: dict[str, float] = {}
    if mode == Release.Mode.DP:
        spend = dp.checked_epsilons(chosen, epsilons or {})
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
        categories=categories,
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
            "categories": categories,
            "mode": mode,
            "years": years,
            "epsilon": sum(spend.values()),
        },
    )
    return release


EDITABLE_FIELDS: Final = (
    "title",
    "geography",
    "age_bands",
    "categories",
    "threshold",
    "years",
    "tables",
)


def release_update(*, actor: User, release: Release, **changes: Any) -> Release:
    """Change a draft (its preview is dropped: it must be computed again). Audited."""
    _analysts_only(actor)
    _draft_only(release)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ReleaseError(f"these fields cannot be changed: {', '.join(unknown)}")
    if changes.get("geography", release.geography) not in GEOGRAPHIES:
        raise ReleaseError("unknown granularity")
    if changes.get("age_bands", release.age_bands) not in AGE_BANDS:
        raise ReleaseError("unknown granularity")
    if changes.get("categories", release.categories) not in CATEGORIES:
        raise ReleaseError("unknown granularity")
    check_years(int(changes.get("years", release.years)), release.mode)
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
    _analysts_only(actor)
    _draft_only(release)
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
    _analysts_only(actor)
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


def release_preview(
    *, actor: User | None, release: Release, progress: Progress | None = None
) -> Release:
    """Compute what the draft would publish, what it withholds, and coarser views on offer."""
    _draft_only(release)
    if release.mode == Release.Mode.DP:
        computed = dp.preview(release)
    elif release.mode == Release.Mode.CELL_KEY:
        computed = cellkey.preview(release, progress=progress)
    else:
        computed = suppression.preview(release, progress=progress)
    release.preview = computed.content
    release.linkage_run = computed.run
    release.save(update_fields=["preview", "linkage_run"])
    record_event(
        "observatory.release_previewed",
        actor=actor,
        object_type="release",
        object_id=release.pk,
        details=computed.details,
    )
    return release


def release_approve(*, actor: User, release: Release) -> Release:
    """A second analyst approves: re-check the preview against current data, attack, freeze."""
    _analysts_only(actor)
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
    run = selectors.latest_run()
    releases = published_releases()
    if not preview or run is None or preview.get("linkage_run") != run.pk:
        raise ReleaseError("the preview is missing or out of date: compute it again")
    if preview.get("earlier") != [r.pk for r in releases]:
        raise ReleaseError("another release was published since the preview: compute it again")
    if release.mode == Release.Mode.DP:
        # Approvals lock the preview's linkage run first, so two analysts approving at the same
        # moment are serialised and the second sees the first's epsilon in the ledger.
        with transaction.atomic():
            locked = LinkageRun.objects.select_for_update().filter(pk=preview["linkage_run"])
            list(locked.values_list("pk", flat=True))  # evaluated: SELECT ... FOR UPDATE
            now = timezone.now()
            frozen = dp.frozen(
                release, run=run, releases=published_releases(), published_at=_stamp(now)
            )
            _freeze_and_publish(release, actor=actor, frozen=frozen, now=now)
        return release
    now = timezone.now()
    mode = cellkey if release.mode == Release.Mode.CELL_KEY else suppression
    frozen = mode.frozen(release, run=run, releases=releases, published_at=_stamp(now))
    with transaction.atomic():
        _freeze_and_publish(release, actor=actor, frozen=frozen, now=now)
    return release


def _stamp(now: datetime) -> str:
    return now.isoformat(timespec="seconds")


def _freeze_and_publish(release: Release, *, actor: User, frozen: Frozen, now: datetime) -> None:
    """Freeze the release's JSON with its digest, mark it published, and audit that."""
    release.content = frozen.document
    release.content_sha256 = hashlib.sha256(canonical(frozen.document)).hexdigest()
    release.audit_summary = frozen.summary
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
            **frozen.details,
        },
    )

"""Cell-key releases through the workflow: preview, approval, consistency, withdrawal, edits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.observatory.models import Release
from balise.observatory.releases.common import ReleaseError, published_releases
from balise.observatory.services import (
    release_approve,
    release_delete,
    release_draft,
    release_preview,
    release_update,
    release_withdraw,
)
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import Network

TABLES = ["children_by_gender_age", "children_by_form", "situations_by_sector"]


def _draft(analyst: User, tables: list[str] = TABLES, **extra: object) -> Release:
    return release_draft(
        actor=analyst,
        title="Balise 2025",
        period=2025,
        tables=tables,
        geography="province",
        age_bands="primero",
        **extra,  # type: ignore[arg-type]  # keyword arguments of release_draft
    )


def _total(release: Release, table: str) -> int:
    document = release.content or release.preview
    cells = next(t for t in document["tables"] if t["name"] == table)["cells"]
    dimensions = next(t for t in document["tables"] if t["name"] == table)["dimensions"]
    (total,) = [c["value"] for c in cells if all(c[d] == "*" for d in dimensions)]
    return int(total)


def test_it_publishes_every_cell_perturbed_by_default(
    linked: Network, personas: Personas, analyst2: User, client: Client
) -> None:
    draft = _draft(personas.analyst)
    assert draft.mode == Release.Mode.CELL_KEY
    release = release_preview(actor=personas.analyst, release=draft)
    values = [c["value"] for t in release.preview["tables"] for c in t["cells"]]
    assert all(isinstance(v, int) for v in values)  # nothing withheld
    assert not {1, 2} & set(values)  # never a 1 or a 2
    assert release.preview["audit"]["passed"] is True
    assert release.preview["audit"]["protected_recovered"] == 0
    assert 0 <= release.preview["perturbation"]["mean_absolute_error"] <= 4
    # The children total is one cell: the same value in both children tables.
    assert _total(release, "children_by_gender_age") == _total(release, "children_by_form")
    release_approve(actor=analyst2, release=release)
    release.refresh_from_db()
    assert release.is_published
    assert release.content is not None
    meta = release.content["release"]
    assert meta["perturbation"]["method"] == "cell key"
    page = client.get(reverse("statistics:detail", args=[release.pk])).content.decode()
    assert "data-plain-method" in page
    assert "data-cell-key" in page  # the specialist version, one click away (<details>)
    mae = str(meta["perturbation"]["mean_absolute_error"])
    assert mae.replace(".", ",") in page  # French, the default language: decimal comma
    # A later release over other tables gives the same children the same figure.
    later = release_preview(actor=analyst2, release=_draft(analyst2, ["children_by_form"]))
    assert later.preview["earlier"] == [release.pk]
    assert later.preview["audit"]["passed"] is True
    assert _total(later, "children_by_form") == _total(release, "children_by_form")


def test_it_refuses_approval_when_the_figures_moved_since_the_preview(
    linked: Network, personas: Personas, analyst2: User
) -> None:
    release = release_preview(actor=personas.analyst, release=_draft(personas.analyst))
    tables = release.preview["tables"]
    tables[0]["cells"][0]["value"] += 1  # as if the data had changed since
    release.save(update_fields=["preview"])
    with pytest.raises(ReleaseError, match="changed since the preview"):
        release_approve(actor=analyst2, release=release)


def test_it_withdraws_a_release_with_a_public_notice_and_keeps_its_figures_disclosed(
    linked: Network, personas: Personas, analyst2: User, client: Client
) -> None:
    release = release_preview(actor=personas.analyst, release=_draft(personas.analyst))
    release_approve(actor=analyst2, release=release)
    with pytest.raises(ReleaseError, match="reason"):
        release_withdraw(actor=analyst2, release=release, reason="  ")
    release_withdraw(actor=analyst2, release=release, reason="Linkage error found")
    release.refresh_from_db()
    assert release.status == Release.Status.WITHDRAWN
    event = AuditEvent.objects.get(action="observatory.release_withdrawn")
    assert event.details["reason"] == "Linkage error found"
    page = client.get(reverse("statistics:detail", args=[release.pk])).content.decode()
    assert "data-withdrawal" in page
    assert "Linkage error found" in page
    assert "data-withdrawn" in client.get(reverse("statistics:index")).content.decode()
    assert [r.pk for r in published_releases()] == [release.pk]  # still checked against
    with pytest.raises(ReleaseError):
        release_withdraw(actor=analyst2, release=release, reason="again")
    with pytest.raises(ValueError, match="frozen"):
        release.delete()


def test_it_edits_applies_a_coarser_view_and_deletes_drafts(
    linked: Network, personas: Personas, settings: object
) -> None:
    setattr(settings, "BALISE_JOBS_SYNC", True)  # noqa: B010 - pytest-django settings fixture
    release = _draft(personas.analyst, ["situations_by_geography"], years=2)
    release = release_preview(actor=personas.analyst, release=release)
    assert release.period_label == "2024\u20132025"
    suggestion = next(s for s in release.preview["suggestions"] if s["replaced"] == "province")
    assert suggestion["apply"] == {"geography": "region"}
    client = login_verified(Client(), personas.analyst)
    page = client.get(reverse("observatory:release_detail", args=[release.pk])).content.decode()
    assert reverse("observatory:release_apply", args=[release.pk]) in page
    response = client.post(
        reverse("observatory:release_apply", args=[release.pk]), {"geography": "region"}
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.geography == "region"
    assert release.preview["tables"][0]["dimensions"] == ["region"]  # previewed again
    assert AuditEvent.objects.filter(action="observatory.release_edited").exists()
    with pytest.raises(ReleaseError, match="cannot be changed"):
        release_update(actor=personas.analyst, release=release, mode="dp")
    response = client.post(reverse("observatory:release_delete", args=[release.pk]))
    assert response.status_code == 302
    assert not Release.objects.filter(pk=release.pk).exists()
    assert AuditEvent.objects.filter(action="observatory.release_deleted").exists()
    with pytest.raises(ReleaseError, match="several years"):
        _draft(personas.analyst, years=2, mode=Release.Mode.SUPPRESSION)
    published = _draft(personas.analyst)
    published.status = Release.Status.PUBLISHED
    published.save()
    with pytest.raises(ReleaseError, match="frozen"):
        release_delete(actor=personas.analyst, release=published)


@pytest.mark.parametrize("mode", [Release.Mode.CELL_KEY, Release.Mode.SUPPRESSION])
def test_it_reports_the_preview_progress_per_table_and_step(
    linked: Network, personas: Personas, mode: str
) -> None:
    steps: list[tuple[int, int, str]] = []
    release_preview(
        actor=personas.analyst,
        release=_draft(personas.analyst, mode=mode),
        progress=lambda done, total, stage: steps.append((done, total, stage)),
    )
    assert len(steps) >= len(TABLES) + 1  # one step per table at least, never frozen at 0 of 1
    assert [done for done, _total, _stage in steps] == sorted(d for d, _t, _s in steps)
    assert all(done <= total for done, total, _stage in steps)
    assert any(f"/{len(TABLES)}" in stage for _done, _total, stage in steps)
    assert all(len(stage) <= 32 for _done, _total, stage in steps)  # Job.stage's length

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.observatory.models import Release
from balise.observatory.releases.common import ReleaseError
from balise.observatory.services import release_approve, release_draft, release_preview
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import Network


def _draft(analyst: User, period: int = 2025) -> Release:
    return release_draft(
        actor=analyst,
        title=f"Balise {period}",
        period=period,
        tables=["children_by_gender_age", "situations_by_sector"],
        geography="province",
        age_bands="primero",
        mode=Release.Mode.SUPPRESSION,
    )


def test_it_refuses_self_approval_and_publishes_on_a_second_approval(
    linked: Network, personas: Personas, analyst2: User
) -> None:
    release = release_preview(actor=personas.analyst, release=_draft(personas.analyst))
    assert release.preview["audit"]["passed"] is True
    assert {t["name"] for t in release.preview["tables"]} == {
        "children_by_gender_age",
        "situations_by_sector",
    }
    with pytest.raises(PermissionDenied):
        release_approve(actor=personas.analyst, release=release)
    assert AuditEvent.objects.filter(action="observatory.release_self_approval_refused").exists()
    release.refresh_from_db()
    assert not release.is_published
    release_approve(actor=analyst2, release=release)
    release.refresh_from_db()
    assert release.is_published
    assert release.approved_by == analyst2
    assert release.content is not None
    assert len(release.content_sha256) == 64
    assert release.content["release"]["status"] == "published"
    sectors = next(t for t in release.content["tables"] if t["name"] == "situations_by_sector")
    assert {c["sector"]: c["value"] for c in sectors["cells"]}["police"] is None  # 4 < 10
    assert AuditEvent.objects.filter(action="observatory.release_published").count() == 1
    # Frozen: no save, no second approval, no delete.
    release.title = "Changed"
    with pytest.raises(ValueError, match="frozen"):
        release.save()
    with pytest.raises(ReleaseError):
        release_approve(actor=analyst2, release=Release.objects.get(pk=release.pk))
    with pytest.raises(ValueError, match="frozen"):
        Release.objects.get(pk=release.pk).delete()


def test_it_refuses_approval_when_the_preview_is_out_of_date(
    linked: Network, personas: Personas, analyst2: User
) -> None:
    draft = _draft(personas.analyst)
    with pytest.raises(ReleaseError, match="preview"):
        release_approve(actor=analyst2, release=draft)
    release_preview(actor=personas.analyst, release=draft)
    first = release_preview(actor=analyst2, release=_draft(analyst2, 2024 + 1))
    release_approve(actor=personas.analyst, release=first)
    # Another release was published since the draft's preview: it must be computed again.
    with pytest.raises(ReleaseError, match="published since"):
        release_approve(actor=analyst2, release=Release.objects.get(pk=draft.pk))


def test_it_protects_a_second_release_against_the_first(
    linked: Network, personas: Personas, analyst2: User
) -> None:
    first = release_preview(actor=personas.analyst, release=_draft(personas.analyst))
    release_approve(actor=analyst2, release=first)
    second = release_draft(
        actor=personas.analyst,
        title="Balise 2025, by arrondissement",
        period=2025,
        tables=["children_by_gender_age", "situations_by_sector", "situations_by_geography"],
        geography="arrondissement",
        age_bands="fine",
        mode=Release.Mode.SUPPRESSION,
    )
    second = release_preview(actor=personas.analyst, release=second)
    assert second.preview["earlier"] == [first.pk]
    assert second.preview["audit"]["passed"] is True
    assert any(s["table"] == "situations_by_geography" for s in second.preview["suggestions"])


def test_it_shows_published_releases_only_to_the_public(
    linked: Network, personas: Personas, analyst2: User, client: Client
) -> None:
    draft = _draft(personas.analyst)
    assert client.get(reverse("statistics:detail", args=[draft.pk])).status_code == 404
    for fmt in ("json", "csv", "xlsx"):
        url = reverse("statistics:download", args=[draft.pk, fmt])
        assert client.get(url).status_code == 404
    assert "Balise 2025" not in client.get(reverse("statistics:index")).content.decode()
    release_approve(actor=analyst2, release=release_preview(actor=None, release=draft))
    index = client.get(reverse("statistics:index")).content.decode()
    assert "Balise 2025" in index
    page = client.get(reverse("statistics:detail", args=[draft.pk])).content.decode()
    assert "<svg" in page
    assert "<desc>" in page
    assert "×" in page  # withheld cells are marked
    assert "F1" in page  # the methodology note carries the measured linkage quality
    document = json.loads(
        client.get(reverse("statistics:download", args=[draft.pk, "json"])).content
    )
    assert document == Release.objects.get(pk=draft.pk).content
    csv_text = client.get(reverse("statistics:download", args=[draft.pk, "csv"])).content.decode()
    assert csv_text.splitlines()[0].lstrip("\ufeff").startswith("table;unit;dimension_1;code_1")
    xlsx = client.get(reverse("statistics:download", args=[draft.pk, "xlsx"])).content
    sheets = load_workbook(io.BytesIO(xlsx)).sheetnames
    assert sheets == ["children_by_gender_age", "situations_by_sector"]
    assert client.get(reverse("statistics:download", args=[draft.pk, "pdf"])).status_code == 404


def test_it_runs_the_workflow_through_the_analyst_pages(
    linked: Network, personas: Personas, analyst2: User, settings: object
) -> None:
    setattr(settings, "BALISE_JOBS_SYNC", True)  # noqa: B010 - pytest-django settings fixture
    drafter = login_verified(Client(), personas.analyst)
    response = drafter.post(
        reverse("observatory:release_new"),
        {
            "title": "Balise 2025",
            "period": "2025",
            "tables": ["children_by_gender_age", "situations_by_geography"],
            "geography": "arrondissement",
            "age_bands": "primero",
            "threshold": "10",
            "mode": "suppression",
        },
    )
    assert response.status_code == 302
    release = Release.objects.get()
    page = drafter.get(reverse("observatory:release_detail", args=[release.pk])).content.decode()
    assert "Approve and publish" not in page
    assert "Approuver" not in page
    refused = drafter.post(
        reverse("observatory:release_approve", args=[release.pk]), {"confirm": "yes"}
    )
    assert refused.status_code == 302
    assert not Release.objects.get().is_published
    approver = login_verified(Client(), analyst2)
    page = approver.get(reverse("observatory:release_detail", args=[release.pk])).content.decode()
    assert reverse("observatory:release_approve", args=[release.pk]) in page
    confirm = approver.get(reverse("observatory:release_approve", args=[release.pk]))
    confirmation = confirm.content.decode()
    assert "data-public-tables" in confirmation  # says what becomes public
    assert "Enfants par genre" in confirmation  # the table, in the reader's language (French)
    unconfirmed = approver.post(reverse("observatory:release_approve", args=[release.pk]))
    assert unconfirmed.status_code == 200
    assert not Release.objects.get().is_published
    done = approver.post(
        reverse("observatory:release_approve", args=[release.pk]), {"confirm": "yes"}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("statistics:detail", args=[release.pk])
    assert Release.objects.get().is_published

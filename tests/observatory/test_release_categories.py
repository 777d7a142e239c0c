"""Release categories: forms by Eurostat group where the fine forms would be small, chosen by
volume for new drafts and the command, detailed on request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from balise.observatory.models import Release
from balise.observatory.releases.common import ReleaseError
from balise.observatory.services import release_draft, release_preview, release_update
from balise.observatory.tables import GROUPED_BELOW, default_categories, table_specs
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import Network


def _dimensions(document: dict[str, object], table: str) -> list[str]:
    tables = document["tables"]
    assert isinstance(tables, list)
    return next(t["dimensions"] for t in tables if t["name"] == table)


def test_it_chooses_grouped_categories_below_the_volume() -> None:
    assert default_categories(0) == "grouped"
    assert default_categories(GROUPED_BELOW - 1) == "grouped"
    assert default_categories(GROUPED_BELOW) == "detailed"


def test_it_groups_forms_by_eurostat_group(db: None) -> None:
    grouped = {s.name: s for s in table_specs(period=2025, categories="grouped")}
    detailed = {s.name: s for s in table_specs(period=2025, categories="detailed")}
    assert grouped["children_by_form"].dimension_names == ("eurostat_form",)
    assert detailed["children_by_form"].dimension_names == ("form",)
    # Every other table is the same in both.
    for name in set(grouped) - {"children_by_form"}:
        assert grouped[name] == detailed[name]
    with pytest.raises(ValueError, match="categories"):
        table_specs(period=2025, categories="coarse")


def test_it_previews_and_edits_the_categories_of_a_draft(
    linked: Network, personas: Personas
) -> None:
    draft = release_draft(
        actor=personas.analyst,
        title="Balise 2025",
        period=2025,
        tables=["children_by_form"],
        geography="province",
        age_bands="primero",
        categories="grouped",
        mode=Release.Mode.SUPPRESSION,
    )
    release = release_preview(actor=personas.analyst, release=draft)
    assert _dimensions(release.preview, "children_by_form") == ["eurostat_form"]
    release_update(actor=personas.analyst, release=release, categories="detailed")
    assert release.preview == {}
    release = release_preview(actor=personas.analyst, release=release)
    assert _dimensions(release.preview, "children_by_form") == ["form"]
    with pytest.raises(ReleaseError):
        release_update(actor=personas.analyst, release=release, categories="coarse")


def test_it_suggests_grouped_categories_for_a_small_year(
    linked: Network, personas: Personas
) -> None:
    client = login_verified(Client(), personas.analyst)
    page = client.get(reverse("observatory:release_new"))
    assert page.status_code == 200
    assert page.context["form"].initial["categories"] == "grouped"  # 4 children a year


def test_it_builds_by_volume_from_the_command_unless_told(linked: Network, tmp_path: Path) -> None:
    output = tmp_path / "release.json"
    call_command("release", "build", "--period", "2025", "--output", str(output))
    document = json.loads(output.read_text())
    assert document["release"]["granularity"]["categories"] == "grouped"
    assert _dimensions(document, "children_by_form") == ["eurostat_form"]
    call_command(
        "release", "build", "--period", "2025", "--output", str(output), "--categories", "detailed"
    )
    document = json.loads(output.read_text())
    assert _dimensions(document, "children_by_form") == ["form"]

"""Editors' report pages and the public list: drafts stay private, sections in Markdown."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balise.reports.models import ActivityReport, ReportSection, Subcategory
from tests.conftest import Personas, login_verified
from tests.reports.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas: Personas, subcategories: dict[str, Subcategory]) -> World:
    return build_world(personas, subcategories)


def test_it_keeps_drafts_off_the_public_side(world: World, client: Client) -> None:
    assert client.get(reverse("reports:public_detail", args=[world.report.pk])).status_code == 404
    assert client.get(reverse("reports:public_pdf", args=[world.report.pk])).status_code == 404
    listing = client.get(reverse("reports:public_list"), headers={"accept-language": "fr"})
    assert "Aucun rapport d’activité n’a encore été publié." in listing.content.decode()


def test_it_previews_a_draft_with_live_figures_and_safe_markdown(
    world: World, personas: Personas, client: Client
) -> None:
    login_verified(client, personas.editor)
    section = ReportSection.objects.filter(report=world.report).first()
    assert section is not None
    client.post(
        reverse("reports:section_edit", args=[world.report.pk, section.pk]),
        {
            "order": "5",
            "heading_fr": "Mot",
            "heading_nl": "Woord",
            "heading_en": "Word",
            "body_fr": "**Gras** <script>alert(1)</script>",
            "body_nl": "x",
            "body_en": "y",
        },
    )
    page = client.get(
        reverse("reports:report_edit", args=[world.report.pk]), headers={"accept-language": "fr"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "<strong>Gras</strong>" in html
    assert "<script>alert(1)" not in html
    assert "115\u00a0234,56\u00a0€" in html  # 2025 income, read live
    assert html.count('role="img"') >= 5


def test_it_creates_a_report_and_refuses_a_period_backwards(
    personas: Personas, client: Client
) -> None:
    login_verified(client, personas.editor)
    data = {
        "start_year": "2025",
        "end_year": "2023",
        "title_fr": "R",
        "title_nl": "V",
        "title_en": "",
        "publisher_name": "ASBL",
        "publisher_details": "",
    }
    refused = client.post(reverse("reports:report_list"), data, headers={"accept-language": "en"})
    assert refused.status_code == 400
    assert "The last year comes before the first." in refused.content.decode()
    data["start_year"] = "2023"
    data["end_year"] = "2025"
    assert client.post(reverse("reports:report_list"), data).status_code == 302
    assert ActivityReport.objects.get(title_fr="R").period_label == "2023–2025"

"""The frozen report's PDF, drawn by the background job and read back with pypdf: every
section, the figures, the charts, page numbers, a table of contents, tags."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from balise.jobs.models import Job
from balise.reports.models import ReportPdf, Subcategory
from balise.reports.report_services import report_freeze
from tests.conftest import Personas
from tests.reports.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas: Personas, subcategories: dict[str, Subcategory]) -> World:
    return build_world(personas, subcategories)


def test_it_draws_a_tagged_numbered_pdf_per_language(
    world: World, personas: Personas, settings: LazySettings
) -> None:
    settings.BALISE_JOBS_SYNC = True
    version, job = report_freeze(actor=personas.editor, report=world.report)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert sorted(ReportPdf.objects.filter(version=version).values_list("language", flat=True)) == [
        "en",
        "fr",
        "nl",
    ]
    response = Client().get(
        reverse("reports:public_pdf", args=[world.report.pk]), headers={"accept-language": "fr"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    flat = re.sub(r"\s+", " ", text).replace("\u00a0", " ").replace("\u202f", " ")
    # Cover, table of contents, every narrative section and every chapter, in French.
    for expected in (
        "ASBL Balise",
        "Rapport d'activité 2023–2025",
        "Le mot de la présidente",
        "Trois années intenses.",
        "Nos missions",
        "Sommaire",
        "Observatoire",
        "Formations",
        "Finances",
        "BCE 0123.456.789",
    ):
        assert expected in flat, expected
    # The figures: finances per year, the release's children, trainings, the team.
    for figure in ("114 000,00 €", "115 234,56 €", "11 734,56 €", "105 000,00 €", "Ana Peeters"):
        assert figure in flat, figure
    assert "Exploitation dans la prostitution" in flat
    # Charts are drawn: titles and labels as text, bars as filled rectangles of the palette.
    for title in (
        "Recettes par source",
        "Dépenses par catégorie",
        "Participants par secteur",
        "Enfants par forme d’exploitation, 2024",
        "Recettes, dépenses et résultat par année",
    ):
        assert title in flat, title
    chart_page = next(
        page
        for page, text in zip(reader.pages, pages, strict=True)
        if "Recettes par source" in text
    )
    drawing = chart_page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    assert drawing.count(" re\n") >= 10
    assert "0.043137 0.360784 0.678431 rg" in drawing  # the palette's first blue
    # Page numbers in the footer, and the table of contents points at pages.
    assert "Page 2 / " in flat
    assert "/StructTreeRoot" in reader.root_object  # tagged
    assert str(reader.root_object["/Lang"]) == "fr"
    assert reader.metadata is not None
    assert reader.metadata.title == "Rapport d'activité 2023–2025 — 2023–2025"
    # The report is listed in the publications catalogue, kind "activity report", in 3 languages.
    world.report.refresh_from_db()
    publication = world.report.publication
    assert publication is not None
    assert publication.kind == "activity_report"
    assert publication.is_published
    assert sorted(publication.versions.values_list("language", "title")) == [
        ("en", "Activity report 2023–2025"),
        ("fr", "Rapport d'activité 2023–2025"),
        ("nl", "Activiteitenverslag 2023–2025"),
    ]
    assert job.result["publication"] == publication.pk
    # The public page links its PDF.
    page = Client().get(reverse("reports:public_detail", args=[world.report.pk]))
    assert reverse("reports:public_pdf", args=[world.report.pk]) in page.content.decode()

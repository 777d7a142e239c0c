"""The public activity report in a real browser: phone width without sideways scrolling, charts
drawn, axe-core clean; the list of reports too."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from balise.reports.models import ReportPdf, Subcategory
from balise.reports.report_services import report_freeze
from tests.a11y import assert_no_serious_axe_violations
from tests.conftest import Personas
from tests.reports.world import build_world

OVERLAPS = """() => {
  const found = [];
  let labels = 0;
  for (const svg of document.querySelectorAll("svg.chart")) {
    const boxes = [...svg.querySelectorAll("text")].map(
      t => [t.textContent, t.getBoundingClientRect()]);
    labels += boxes.length;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, ra] = boxes[i], [b, rb] = boxes[j];
        const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (x > 1 && y > 1) found.push(`${a} / ${b}`);
      }
    }
  }
  return {labels, found};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_reads_well_on_a_phone_and_passes_axe(
    page: Page,
    live_server: LiveServer,
    personas: Personas,
    subcategories: dict[str, Subcategory],
    settings: LazySettings,
) -> None:
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"  # no PDF drawn on a thread behind the test's back
    world = build_world(personas, subcategories)
    version, _job = report_freeze(actor=personas.editor, report=world.report)
    ReportPdf.objects.create(version=version, language="fr", content=b"%PDF-1.7 test")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/activity-reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapports d’activité")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Rapport d'activité 2023–2025").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport d'activité 2023–2025")
    expect(page.get_by_test_id("pdf-link")).to_have_attribute(
        "href", f"/activity-reports/{world.report.pk}/report.pdf"
    )
    charts = page.get_by_role("img")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 5
    expect(page.get_by_role("table", name="Données : Recettes par source")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # No two labels of a chart overlap at this width (the viewBox scales text and shapes alike).
    overlaps = page.evaluate(OVERLAPS)
    assert overlaps["labels"] > 50  # the check saw the charts' labels
    assert overlaps["found"] == [], overlaps["found"]
    assert_no_serious_axe_violations(page)

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from balise.audit.models import AuditEvent
from balise.observatory import figures, selectors
from balise.observatory.models import DashboardFigure, StatFact
from balise.observatory.runs import linkage_run
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import Network, Record
from tests.situations.conftest import stored_encoding


def test_it_shows_counts_and_the_overlap_to_analysts(linked: Network, personas: Personas) -> None:
    client = login_verified(Client(), personas.analyst)
    page = client.get(reverse("observatory:dashboard")).content.decode()
    assert 'data-figure="situations">6<' in page
    assert 'data-figure="children">4<' in page
    assert 'data-figure="multi-sector">1<' in page
    assert "<svg" in page
    assert 'role="img"' in page
    for situation in linked.situations.values():
        assert situation.reference not in page
        encoding = stored_encoding(situation)
        if encoding:
            assert encoding[:24] not in page
    filtered = client.get(reverse("observatory:dashboard"), {"sector": "youth_aid", "year": "2025"})
    assert 'data-figure="situations">2<' in filtered.content.decode()


def test_it_exports_tables_audited_and_neutralised(linked: Network, personas: Personas) -> None:
    # A code that a spreadsheet would run as a formula must come out inert.
    StatFact.objects.filter(situation_id=linked.situations["senait"].pk).update(sector="=1+1")
    client = login_verified(Client(), personas.analyst)
    response = client.get(reverse("observatory:export", args=["sector", "csv"]), {"year": "2025"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "'=1+1" in text
    assert text.splitlines()[0] == "code;label;situations;children"
    event = AuditEvent.objects.get(action="observatory.exported")
    assert event.object_id == "sector"
    assert event.details["filters"] == {"year": "2025"}
    xlsx = client.get(reverse("observatory:export", args=["overlap", "xlsx"]))
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert client.get(reverse("observatory:export", args=["nothing", "csv"])).status_code == 404
    assert client.get(reverse("observatory:export", args=["gender", "pdf"])).status_code == 404


def test_it_starts_a_linkage_run_as_a_job(
    network: Network, personas: Personas, settings: object
) -> None:
    setattr(settings, "BALISE_JOBS_SYNC", True)  # noqa: B010 - pytest-django settings fixture
    client = login_verified(Client(), personas.analyst)
    response = client.post(reverse("observatory:linkage_start"))
    assert response.status_code == 302
    assert "/jobs/" in response["Location"]
    job_page = client.get(response["Location"])
    assert job_page.status_code == 200
    page = client.get(reverse("observatory:linkage")).content.decode()
    assert '<td class="num">4</td>' in page  # children of the run
    # The job stored the new run's dashboards (unfiltered and for 2025), and only those.
    run = selectors.latest_run()
    assert run is not None
    stored = set(DashboardFigure.objects.values_list("run_id", flat=True))
    assert stored == {run.pk}
    assert DashboardFigure.objects.count() == 2 * len(figures.DASHBOARD_KINDS)


def test_it_stores_dashboards_from_the_linkage_command(network: Network) -> None:
    from django.core.management import call_command

    call_command("linkage", "run", "--quality-children", "0", "--no-progress")
    run = selectors.latest_run()
    assert run is not None
    assert set(DashboardFigure.objects.values_list("run_id", flat=True)) == {run.pk}
    totals = figures.cached("totals", selectors.Filters(), run)
    assert totals == {"situations": 6, "children": 4, "multi_sector_children": 1}


def test_it_caches_dashboard_figures_until_the_next_run(
    linked: Network, personas: Personas, record: Record
) -> None:
    client = login_verified(Client(), personas.analyst)
    url = reverse("observatory:dashboard")
    in_2025 = {"year": "2025"}
    assert 'data-figure="situations">6<' in client.get(url, in_2025).content.decode()
    # Facts change only at a run (deletions aside, see test_purge_follows): a stored figure stays.
    StatFact.objects.filter(situation_id=linked.situations["senait"].pk).update(year=2024)
    assert 'data-figure="situations">6<' in client.get(url, in_2025).content.decode()  # cached
    record(personas.recorder_b, "nora", detection_month="2025-09")
    linkage_run(actor=None, quality_children=0)
    assert 'data-figure="situations">7<' in client.get(url).content.decode()  # a new run


def test_it_labels_the_unaccompanied_breakdown_yes_and_no(
    linked: Network, personas: Personas
) -> None:
    StatFact.objects.update(unaccompanied=False)
    StatFact.objects.filter(situation_id=linked.situations["senait"].pk).update(unaccompanied=True)
    DashboardFigure.objects.all().delete()  # the run stored figures from the facts as they were
    rows = {r.code: r for r in selectors.breakdown("unaccompanied", selectors.Filters())}
    assert set(rows) == {"yes", "no"}
    assert (rows["yes"].children, rows["no"].children) == (1, 3)
    # Stored figures come back with the database's spelling of booleans: PostgreSQL's
    # True/False once read "No" for both ("No 688 / No 127").
    for yes, no in (("True", "False"), ("1", "0"), ("yes", "no")):
        decoded = figures._decode("unaccompanied", [[yes, 1, 1], [no, 5, 3]])
        assert [(r.code, r.label) for r in decoded] == [("yes", "Yes"), ("no", "No")]
    client = login_verified(Client(), personas.analyst)
    page = client.get(reverse("observatory:dashboard")).content.decode()
    section = page[page.index('id="section-unaccompanied"') :]
    section = section[: section.index("</section>")]
    assert '<th scope="row">Oui</th><td class="num">1</td>' in section  # French, the default
    assert '<th scope="row">Non</th><td class="num">3</td>' in section
    assert "Oui: 1 (25%)" in section  # the chart's text alternative, with the share


def test_it_sorts_explains_and_compares(linked: Network, personas: Personas) -> None:
    StatFact.objects.filter(situation_id=linked.situations["unencoded"].pk).update(
        year=2024, quarter=4
    )
    DashboardFigure.objects.all().delete()  # the run stored figures from the facts as they were
    client = login_verified(Client(), personas.analyst)
    page = client.get(reverse("observatory:dashboard")).content.decode()
    assert 'href="#overlap"' in page  # a table of contents
    assert "data-yearly-note" in page  # why the years add up to more than the total
    trend = page[page.index('id="section-trend"') :]
    assert trend.index("2024 Q4") < trend.index("2025 Q1")  # time order
    sectors = page[page.index('id="section-sector"') :]
    # Sorted by children: police knows 3 (Amina, Lucas, the unencoded child), youth aid 2.
    assert sectors.index("Police") < sectors.index("Aide à la jeunesse")
    comparison = page[page.index('id="comparison"') :]
    assert "2025" in comparison[:200]
    assert '<td class="num">3</td><td class="num">1</td><td class="num">+2' in comparison
    overlap = page[page.index('id="overlap"') :]
    assert 'data-chart="heat"' in overlap  # the house's SVG chart, with its data table
    assert '<th scope="row">Police</th><td class="num">3</td>' in overlap

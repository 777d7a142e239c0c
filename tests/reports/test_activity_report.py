"""The activity report: figures from live data (checked against the source tables), preview,
regeneration with what changed, frozen versions that never change, public pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import LazySettings
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from balise.audit.models import AuditEvent
from balise.reports.figures import build_figures, figures_diff
from balise.reports.models import (
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    FinanceLine,
    FinancialYear,
    ReportVersion,
    Subcategory,
    TeamMember,
)
from balise.reports.report_services import report_freeze, report_regenerate
from balise.training.models import Registration, Session
from tests.conftest import Personas, login_verified
from tests.reports.world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas: Personas, subcategories: dict[str, Subcategory]) -> World:
    return build_world(personas, subcategories)


@pytest.fixture
def queued_jobs(settings: LazySettings) -> None:
    """Jobs wait for a worker: these tests do not draw PDFs."""
    settings.BALISE_JOBS_SYNC = False
    settings.BALISE_JOBS_RUNNER = "worker"


def _sum(**filters: object) -> Decimal:
    total = FinanceLine.objects.filter(kind="actual", **filters).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


def test_it_checks_every_finance_figure_against_the_lines(world: World) -> None:
    figures = build_figures(2023, 2025)["en"]["finances"]
    assert [y["year"] for y in figures["years"]] == [2023, 2024, 2025]
    for year in figures["years"]:
        y = year["year"]
        for code, _label, amount in year["income"]:
            assert Decimal(amount) == _sum(year__year=y, category=code)
        for code, _label, amount in year["expenses"]:
            assert Decimal(amount) == _sum(year__year=y, category=code)
        income = _sum(year__year=y, category__in=INCOME_CATEGORIES)
        expenses = _sum(year__year=y, category__in=EXPENSE_CATEGORIES)
        assert Decimal(year["income_total"]) == income
        assert Decimal(year["expense_total"]) == expenses
        assert Decimal(year["result"]) == income - expenses
        for category, code, _label, amount in year["income_by_source"]:
            filters = {"subcategory__code": code} if code else {"subcategory__isnull": True}
            assert Decimal(amount) == _sum(year__year=y, category=category, **filters)
    # The trend covers every recorded year up to the period's end, 2022 included.
    assert [row[0] for row in figures["trend"]] == [2022, 2023, 2024, 2025]
    assert figures["trend"][0][3] == "2000.00"
    # Sub-categories without an English name show their French one.
    assert figures["years"][0]["income_by_source"][1][2] == "Donateurs privés"


def test_it_reads_only_published_releases_of_the_period(world: World) -> None:
    figures = build_figures(2023, 2025)["en"]["observatory"]
    assert [r["release"] for r in figures["releases"]] == [world.release.pk]
    release = figures["releases"][0]
    content = world.release.content
    assert content is not None
    cells = {c["form"]: c["value"] for c in content["tables"][0]["cells"]}
    assert release["children"] == cells["*"]
    assert {code: value for code, _label, value in release["children_by_form"]} == {
        k: v for k, v in cells.items() if k != "*"
    }
    sectors = {c["sector"]: c["value"] for c in content["tables"][1]["cells"]}
    assert release["situations"] == sectors["*"]
    assert release["children_by_form"][0][1] == "Exploitation in prostitution"


def test_it_counts_trainings_and_the_team_from_their_tables(world: World) -> None:
    figures = build_figures(2023, 2025)["en"]
    sessions = Session.objects.filter(
        starts_at__year__gte=2023, starts_at__year__lte=2025, cancelled_at__isnull=True
    )
    attended = Registration.objects.filter(session__in=sessions, status="attended")
    assert figures["training"]["sessions_given"] == sessions.count() == 2
    assert figures["training"]["participants_attended"] == attended.count() == 4
    assert sum(count for _label, count in figures["training"]["by_sector"]) == attended.count()
    assert figures["training"]["by_year"] == [[2023, 1, 2], [2025, 1, 2]]
    assert figures["publications"]["publications"] == []  # none published in the period
    assert figures["publications"]["newsletter"]["total"] == 0
    names = [p["name"] for _code, _label, people in figures["team"]["groups"] for p in people]
    expected = TeamMember.objects.filter(start_date__lte="2025-12-31").exclude(
        end_date__lt="2023-01-01"
    )
    assert sorted(names) == sorted(expected.values_list("name", flat=True))
    assert sorted(names) == ["Ana Peeters", "Bert Dubois"]


def test_it_labels_figures_in_each_language(world: World) -> None:
    figures = build_figures(2023, 2025)
    assert figures["fr"]["finances"]["years"][0]["income"][2][1] == "Subsides"
    assert figures["nl"]["finances"]["years"][0]["expenses"][1][1] == "Bezoldigingen"
    numbers = [y["result"] for y in figures["fr"]["finances"]["years"]]
    assert numbers == [y["result"] for y in figures["nl"]["finances"]["years"]]


def test_it_keeps_a_frozen_version_unchanged_when_data_changes(
    world: World, personas: Personas, queued_jobs: None
) -> None:
    version, _job = report_freeze(actor=personas.editor, report=world.report)
    frozen = version.content
    digest = version.content_sha256
    # Data changes after the freeze: a new line, a new member, a new published release.
    FinanceLine.objects.create(
        year=FinancialYear.objects.get(year=2024), category="subsidies", amount=Decimal("5.00")
    )
    TeamMember.objects.create(
        name="Eva Nieuw", role_fr="x", role_nl="y", start_date=world.report.created_at.date()
    )
    world.release.pk = None
    world.release.period = 2025
    world.release.save()
    stored = ReportVersion.objects.get(pk=version.pk)
    assert stored.content == frozen
    assert stored.content_sha256 == digest
    html = (
        Client()
        .get(
            reverse("reports:public_detail", args=[world.report.pk]),
            headers={"accept-language": "en"},
        )
        .content.decode()
    )
    assert "Eva Nieuw" not in html
    assert "105,000.00\u00a0€" in html  # 2024 income as frozen: 95 000 + 10 000
    assert "105,005.00" not in html
    with pytest.raises(ValueError, match="never changes"):
        stored.save()
    # The live figures did move on.
    live = build_figures(2023, 2025)["fr"]
    assert figures_diff(frozen["figures"]["fr"], live)


def test_it_shows_what_changed_when_the_figures_are_read_again(
    world: World, personas: Personas, client: Client
) -> None:
    login_verified(client, personas.editor)
    url = reverse("reports:report_regenerate", args=[world.report.pk])
    client.post(url)
    FinanceLine.objects.create(
        year=FinancialYear.objects.get(year=2025), category="subsidies", amount=Decimal("100.00")
    )
    client.post(url)
    page = client.get(
        reverse("reports:report_edit", args=[world.report.pk]), headers={"accept-language": "en"}
    )
    html = page.content.decode()
    assert "What changed since the last preview" in html
    rows = [
        "Finances › Trend › 2025 › Total income</th><td>115234.56</td><td>115334.56</td>",
        "Finances › Trend › 2025 › Result</th><td>11734.56</td><td>11834.56</td>",
        "Finances › 2025 › Income › Subsidies</th><td>114000.00</td><td>114100.00</td>",
        "Finances › 2025 › Income by source › Subsidies › label</th><td>—</td><td>Subsides</td>",
        "Finances › 2025 › Income by source › Subsidies</th><td>—</td><td>100.00</td>",
        "Finances › 2025 › Total income</th><td>115234.56</td><td>115334.56</td>",
        "Finances › 2025 › Result</th><td>11734.56</td><td>11834.56</td>",
    ]
    for row in rows:
        assert row in html
    table = html[html.index('data-testid="changes"') :]
    assert table[: table.index("</table>")].count('<th scope="row">') == len(rows)
    changes = report_regenerate(actor=personas.editor, report=world.report)
    assert changes == []
    assert AuditEvent.objects.filter(action="reports.report_regenerated").count() == 3

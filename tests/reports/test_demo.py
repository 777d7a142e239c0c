"""`balise demo` adds three years of finances, a team and a frozen 2023–2025 report, once."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.db.models import Sum

from balise.jobs.models import Job
from balise.reports.demo import ACCOUNTS
from balise.reports.models import (
    ActivityReport,
    FinanceLine,
    FinancialYear,
    ReportPdf,
    ReportVersion,
    TeamMember,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(settings: LazySettings, tmp_path: Path) -> None:
    settings.DEMO = True
    settings.VAR_DIR = tmp_path


def test_it_seeds_finances_a_team_and_a_frozen_report_once() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert "a frozen 2023–2025 activity report" in out.getvalue()
    assert sorted(FinancialYear.objects.values_list("year", "status")) == [
        (2023, "closed"),
        (2024, "closed"),
        (2025, "open"),
        (2026, "open"),
    ]
    for year, lines in ACCOUNTS.items():
        total = FinanceLine.objects.filter(year__year=year, kind="actual").aggregate(
            s=Sum("amount")
        )
        assert total["s"] == sum((Decimal(a) for *_rest, a in lines), Decimal(0))
    assert TeamMember.objects.filter(end_date__isnull=False).count() == 1  # a former member
    report = ActivityReport.objects.get()
    assert (report.start_year, report.end_year) == (2023, 2025)
    version = ReportVersion.objects.get(report=report)
    years = version.content["figures"]["fr"]["finances"]["years"]
    assert [y["year"] for y in years] == [2023, 2024, 2025]
    # The PDFs wait for the worker (`balise jobs work`, which `make run` runs once).
    assert Job.objects.get().status == Job.Status.QUEUED
    assert not ReportPdf.objects.exists()
    again = StringIO()
    call_command("demo", stdout=again)
    assert "activity report" not in again.getvalue()
    assert ActivityReport.objects.count() == 1

"""Reads of finances and the team (no per-organisation scoping: they are the network's own)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from balise.reports.finances import Change, Summary, change, summarise
from balise.reports.models import FinanceLine, FinancialYear, Kind, TeamMember


def financial_year(year: int) -> FinancialYear:
    found = FinancialYear.objects.filter(year=year).first()
    if found is None:
        raise Http404
    return found


def summaries(years: Iterable[int], kind: str = Kind.ACTUAL) -> dict[int, Summary]:
    """Each year's summary of ``kind`` in one query (a year without lines sums to zero)."""
    wanted = list(years)
    rows: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    for year, category, code, amount in FinanceLine.objects.filter(
        year__year__in=wanted, kind=kind
    ).values_list("year__year", "category", "subcategory__code", "amount"):
        rows[year].append((category, code or "", amount))
    return {year: summarise(rows.get(year, [])) for year in wanted}


@dataclass(frozen=True)
class YearFigures:
    year: int
    actual: Summary
    budget: Summary
    previous: Summary | None

    def _change(self, attribute: str) -> Change | None:
        if self.previous is None:
            return None
        current: Decimal = getattr(self.actual, attribute)
        before: Decimal = getattr(self.previous, attribute)
        return change(current, before)

    @property
    def income_change(self) -> Change | None:
        return self._change("income_total")

    @property
    def expense_change(self) -> Change | None:
        return self._change("expense_total")

    @property
    def result_change(self) -> Change | None:
        return self._change("result")


def year_figures(fy: FinancialYear) -> YearFigures:
    previous_exists = FinancialYear.objects.filter(year=fy.year - 1).exists()
    actual = summaries([fy.year - 1, fy.year])
    budget = summaries([fy.year], Kind.BUDGET)
    return YearFigures(
        year=fy.year,
        actual=actual[fy.year],
        budget=budget[fy.year],
        previous=actual[fy.year - 1] if previous_exists else None,
    )


def year_lines(fy: FinancialYear, kind: str) -> QuerySet[FinanceLine]:
    return fy.lines.filter(kind=kind).select_related("subcategory")


def team_during(start: date, end: date) -> QuerySet[TeamMember]:
    """Members whose active period meets [start, end] (former members included)."""
    return TeamMember.objects.filter(start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )


def current_team(today: date) -> QuerySet[TeamMember]:
    return team_during(today, today)


def former_team(today: date) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(end_date__lt=today).order_by("-end_date", "name")

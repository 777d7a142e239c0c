"""The activity report's figures, read from live data into a JSON snapshot.

``build_figures(start_year, end_year)`` returns, for each interface language, a JSON-safe dict
(numbers as int, amounts as Decimal strings, labels in that language). It reads:

- the observatory **only through published releases** of the period (their frozen JSON, never
  situations or the facts table);
- trainings through ``balise.training.selectors.training_figures``;
- publications and the newsletter through ``balise.publications.selectors``;
- finances from the stored lines (``selectors.summaries``), and the team active in the period.

A frozen report stores this snapshot; ``figures_diff`` says what changed between two snapshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any, Final

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from balise.observatory.models import Release
from balise.observatory.presentation import code_label
from balise.publications.selectors import newsletter_reach, publications_between
from balise.reports.finances import category_label
from balise.reports.models import (
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    LANGUAGES,
    Category,
    FinancialYear,
    Subcategory,
    TeamMember,
    in_language,
)
from balise.reports.selectors import summaries, team_during

MARGIN = "*"
SNAPSHOT_VERSION = 1


def period_bounds(start_year: int, end_year: int) -> tuple[date, date]:
    return date(start_year, 1, 1), date(end_year, 12, 31)


def _json(value: Any) -> Any:
    """Dataclass fields as JSON: dates ISO, Decimals as strings, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


# --- observatory (published releases only) -------------------------------------------------------


def _table(content: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    for table in content.get("tables", []):
        if table.get("name") == name:
            return table  # type: ignore[no-any-return]  # JSON object from the frozen release
    return None


def _one_dimension(content: Mapping[str, Any], name: str) -> tuple[int | None, list[list[Any]]]:
    """(margin total, [[code, label, value or None], ...]) of a one-dimension table."""
    table = _table(content, name)
    if table is None or len(table.get("dimensions", [])) != 1:
        return None, []
    dimension = table["dimensions"][0]
    total = None
    rows = []
    for cell in table.get("cells", []):
        code = cell.get(dimension)
        if code == MARGIN:
            total = cell.get("value")
        else:
            rows.append([code, code_label(dimension, code), cell.get("value")])
    return total, rows


def observatory_figures(start_year: int, end_year: int) -> dict[str, Any]:
    """Figures of the releases published for years inside the period, oldest first."""
    releases = (
        Release.objects.published()
        .filter(period__gte=start_year, period__lte=end_year)
        .order_by("period", "published_at", "pk")
    )
    out = []
    for release in releases:
        content = release.content or {}
        if release.period - release.years + 1 < start_year:
            continue  # a multi-year release reaching before the period is not this report's
        children, by_form = _one_dimension(content, "children_by_form")
        situations, by_sector = _one_dimension(content, "situations_by_sector")
        out.append(
            {
                "release": release.pk,
                "title": release.title,
                "period": release.period,
                "years": release.years,
                "published_at": release.published_at.date().isoformat()
                if release.published_at
                else "",
                "children": children,
                "situations": situations,
                "children_by_form": by_form,
                "situations_by_sector": by_sector,
            }
        )
    return {"releases": out}


# --- trainings, publications, newsletter ---------------------------------------------------------


def training_section(start: date, end: date) -> dict[str, Any]:
    from balise.training.selectors import training_figures

    return _json(asdict(training_figures(start=start, end=end)))  # type: ignore[no-any-return]


def publications_section(start: date, end: date) -> dict[str, Any]:
    found = publications_between(start=start, end=end)
    reach = newsletter_reach(start=start, end=end)
    return {
        "publications": [
            {
                "kind": p.kind_label,
                "published_on": p.published_on.isoformat(),
                "title": p.title,
                "authors": p.authors,
                "url": p.url,
            }
            for p in found
        ],
        "newsletter": _json(asdict(reach)),
    }


# --- finances ------------------------------------------------------------------------------------


def finance_figures(start_year: int, end_year: int) -> dict[str, Any]:
    """Per year of the period: income by source, expenses by category, result; and the trend of
    every recorded year up to the period's end."""
    recorded = sorted(
        FinancialYear.objects.filter(year__lte=end_year).values_list("year", flat=True)
    )
    by_year = summaries(recorded)
    names = {s.code: in_language(s, "name") for s in Subcategory.objects.all()}
    years = []
    for year in recorded:
        if not start_year <= year <= end_year:
            continue
        summary = by_year[year]
        sources = []
        for category in INCOME_CATEGORIES:
            parts = sorted(
                (code, amount)
                for (cat, code), amount in summary.by_subcategory.items()
                if cat == category
            )
            for code, amount in parts:
                label = names.get(code, "") if code else ""
                sources.append([category, code, label or category_label(category), str(amount)])
        years.append(
            {
                "year": year,
                "income": [
                    [c, category_label(c), str(summary.income[c])] for c in INCOME_CATEGORIES
                ],
                "expenses": [
                    [c, category_label(c), str(summary.expenses[c])] for c in EXPENSE_CATEGORIES
                ],
                "income_by_source": sources,
                "income_total": str(summary.income_total),
                "expense_total": str(summary.expense_total),
                "result": str(summary.result),
            }
        )
    trend = [
        [
            year,
            str(by_year[year].income_total),
            str(by_year[year].expense_total),
            str(by_year[year].result),
        ]
        for year in recorded
    ]
    return {"years": years, "trend": trend}


# --- team ----------------------------------------------------------------------------------------


def team_figures(start: date, end: date) -> dict[str, Any]:
    members = team_during(start, end).order_by("group", "order", "name")
    groups: dict[str, list[dict[str, Any]]] = {code: [] for code in TeamMember.Group.values}
    for member in members:
        groups[member.group].append(
            {"name": member.name, "role": member.role, "languages": member.language_codes}
        )
    return {
        "groups": [
            [code, str(TeamMember.Group(code).label), people]
            for code, people in groups.items()
            if people
        ]
    }


# --- the whole snapshot --------------------------------------------------------------------------


def build_language(start_year: int, end_year: int) -> dict[str, Any]:
    """The figures with labels in the active language."""
    start, end = period_bounds(start_year, end_year)
    figures: dict[str, Any] = {
        "version": SNAPSHOT_VERSION,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "observatory": observatory_figures(start_year, end_year),
        "training": training_section(start, end),
        "publications": publications_section(start, end),
        "finances": finance_figures(start_year, end_year),
        "team": team_figures(start, end),
    }
    return figures


def build_figures(start_year: int, end_year: int) -> dict[str, dict[str, Any]]:
    """The snapshot: the figures once per interface language."""
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = build_language(start_year, end_year)
    return out


# --- what changed --------------------------------------------------------------------------------


def _row_keys(rows: list[Any]) -> tuple[list[str], int]:
    """Keys naming each row, and how many leading cells of a list row they use (0: none).

    Rows are named by their year, release or name, or by their leading code (then by the first
    two cells, e.g. category and sub-category), when that names each row once; else by index.
    """
    if rows and all(isinstance(r, Mapping) for r in rows):
        for name in ("year", "release", "name"):
            keys = [str(r.get(name)) for r in rows]
            if all(name in r for r in rows) and len(set(keys)) == len(keys):
                return keys, 0
    if rows and all(isinstance(r, list) and len(r) > 1 for r in rows):
        for width in (1, 2):
            keys = ["/".join(str(c) for c in r[:width]) for r in rows]
            if len(set(keys)) == len(keys):
                return keys, width
    return [str(i) for i in range(len(rows))], 0


def _flatten(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key in sorted(value):
            yield from _flatten(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        # Named rows: an inserted row does not shift every row after it.
        keys, width = _row_keys(value)
        for key, item in zip(keys, value, strict=True):
            yield from _flatten(item[width:] if width else item, f"{path}[{key}]")
    else:
        yield path, value


def figures_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(path, before, after) of every value that differs, in path order."""
    old = dict(_flatten(before))
    new = dict(_flatten(after))
    return [
        (path, old.get(path), new.get(path))
        for path in sorted(set(old) | set(new))
        if old.get(path) != new.get(path)
    ]


# Words for the parts of a figure's path, so that "what changed" reads as a sentence's subject
# ("Finances › 2024 › Income by source › Subsidies › fwb") rather than as a JSON path.
PATH_WORDS: Final[Mapping[str, Any]] = {
    "finances": _("Finances"),
    "trend": _("Trend"),
    "years": "",
    "expense_total": _("Total expenses"),
    "income_total": _("Total income"),
    "expenses": _("Expenses"),
    "income": _("Income"),
    "income_by_source": _("Income by source"),
    "result": _("Result"),
    "observatory": _("Observatory"),
    "releases": _("Release"),
    "children": _("Children"),
    "children_by_form": _("Children by form of exploitation"),
    "situations": _("Situations"),
    "situations_by_sector": _("Situations by sector"),
    "training": _("Trainings"),
    "sessions_given": _("Sessions given"),
    "participants_attended": _("Participants"),
    "attendance_rate": _("Attendance rate"),
    "evaluation_mean": _("Evaluation score"),
    "by_sector": _("By sector"),
    "by_province": _("By province"),
    "by_language": _("By language"),
    "by_year": _("By year"),
    "publications": _("Publications"),
    "newsletter": _("Newsletter"),
    "subscribers": _("Subscribers"),
    "new_by_month": _("New subscribers by month"),
    "issues_sent": _("Issues sent"),
    "mails_delivered": _("Mails delivered"),
    "team": _("Team"),
    "groups": _("Group"),
    "period": _("Period"),
    "title": _("Title"),
}
# What the cells of a list's rows hold, once the row is named by its key: "" for the row's value
# (the row's name says it all), a word for the others.
ROW_CELLS: Final[Mapping[str, tuple[Any, ...]]] = {
    "trend": (_("Total income"), _("Total expenses"), _("Result")),
}
LABEL_AND_VALUE: Final = (_("label"), "")
_PART = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


def describe_change(path: str) -> str:
    """A figure's path in the reader's words: known names translated, finance headings by their
    label, row keys (years, codes, names) as they are, a row's cell positions left out."""
    words: list[str] = []
    after_key = False
    listed = ""
    for name, key in _PART.findall(path):
        if name:
            after_key = False
            listed = name
            word = PATH_WORDS.get(name, name.replace("_", " "))
            if word:
                words.append(str(word))
        elif after_key and key.isdigit():  # a cell of the row just named ([0], [1], ...)
            cells = ROW_CELLS.get(listed, LABEL_AND_VALUE)
            cell = cells[int(key)] if int(key) < len(cells) else f"#{key}"
            if cell:
                words.append(str(cell))
        else:
            after_key = True
            for code in filter(None, key.split("/")):
                try:
                    words.append(str(Category(code).label))
                except ValueError:
                    words.append(code)
    return " › ".join(words)

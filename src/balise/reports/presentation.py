"""A report version's content as a page: sections in one language, figures as charts and tables.

Everything comes from the stored content (a frozen version's JSON, or a draft's preview built
the same way): rendering reads nothing else, so a frozen report shows the same figures forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from balise.core.charts import Chart, bar_chart, grouped_bar_chart, line_chart
from balise.core.markdown import render_markdown
from balise.reports.models import LANGUAGES, period_label


def pick(texts: dict[str, str], language: str) -> str:
    """The text in ``language``, else French, Dutch, English: the first one written."""
    for code in (language, *LANGUAGES):
        if texts.get(code):
            return texts[code]
    return ""


@dataclass
class Part:
    """One chapter of the report: a heading, an anchor for the table of contents, its body."""

    anchor: str
    heading: str
    html: SafeString | None = None
    charts: list[Chart] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    template: str = ""


def _amounts(values: list[str]) -> list[Decimal]:
    return [Decimal(v) for v in values]


def _observatory(figures: dict[str, Any]) -> Part:
    releases = figures.get("releases", [])
    charts: list[Chart] = []
    for release in releases:
        shown = [
            (label, value) for _c, label, value in release["children_by_form"] if value is not None
        ]
        withheld = sum(1 for *_rest, value in release["children_by_form"] if value is None)
        if shown:
            charts.append(
                bar_chart(
                    title=_("Children by form of exploitation, %(period)s")
                    % {"period": release["period"]},
                    items=shown,
                    description=(
                        _("%(count)s small figures are withheld to protect the children.")
                        % {"count": withheld}
                    )
                    if withheld
                    else "",
                )
            )
    with_children = [r for r in releases if r["children"] is not None]
    if len(with_children) >= 2:
        charts.append(
            line_chart(
                title=_("Children counted by year"),
                x_labels=[str(r["period"]) for r in with_children],
                series=[(_("Children"), [r["children"] for r in with_children])],
            )
        )
    return Part(
        "observatory",
        _("Observatory"),
        charts=charts,
        data={"releases": releases},
        template="reports/parts/observatory.html",
    )


def _training(figures: dict[str, Any]) -> Part:
    charts: list[Chart] = []
    by_sector = figures.get("by_sector", [])
    if by_sector:
        charts.append(bar_chart(title=_("Participants by sector"), items=by_sector))
    by_year = figures.get("by_year", [])
    if len(by_year) >= 2:
        charts.append(
            line_chart(
                title=_("Trainings by year"),
                x_labels=[str(y) for y, _s, _p in by_year],
                series=[
                    (_("Sessions"), [s for _y, s, _p in by_year]),
                    (_("Participants"), [p for _y, _s, p in by_year]),
                ],
            )
        )
    return Part(
        "training",
        _("Trainings"),
        charts=charts,
        data=figures,
        template="reports/parts/training.html",
    )


def _publications(figures: dict[str, Any]) -> Part:
    return Part(
        "publications",
        _("Publications and newsletter"),
        data=figures,
        template="reports/parts/publications.html",
    )


def _finances(figures: dict[str, Any]) -> Part:
    years = figures.get("years", [])
    charts: list[Chart] = []
    if years:
        labels: list[str] = []
        for year in years:
            for _c, _code, label, _a in year["income_by_source"]:
                if label not in labels:
                    labels.append(label)
        series = []
        for year in years:
            amounts = {label: Decimal(a) for _c, _code, label, a in year["income_by_source"]}
            series.append((str(year["year"]), [amounts.get(label, Decimal(0)) for label in labels]))
        if labels:
            charts.append(
                grouped_bar_chart(
                    title=_("Income by source"), categories=labels, series=series, unit="€"
                )
            )
        categories = [label for _c, label, _a in years[0]["expenses"]]
        charts.append(
            grouped_bar_chart(
                title=_("Expenses by category"),
                categories=categories,
                series=[
                    (str(y["year"]), _amounts([a for _c, _l, a in y["expenses"]])) for y in years
                ],
                unit="€",
            )
        )
    trend = figures.get("trend", [])
    if len(trend) >= 2:
        charts.append(
            line_chart(
                title=_("Income, expenses and result by year"),
                x_labels=[str(y) for y, *_rest in trend],
                series=[
                    (_("Income"), _amounts([i for _y, i, _e, _r in trend])),
                    (_("Expenses"), _amounts([e for _y, _i, e, _r in trend])),
                    (_("Result"), _amounts([r for _y, _i, _e, r in trend])),
                ],
                unit="€",
            )
        )
    return Part(
        "finances",
        _("Finances"),
        charts=charts,
        data=figures,
        template="reports/parts/finances.html",
    )


def _team(figures: dict[str, Any]) -> Part:
    return Part("team", _("Team"), data=figures, template="reports/parts/team.html")


def report_parts(content: dict[str, Any], language: str) -> dict[str, Any]:
    """The context of ``reports/_report.html``: title, period, publisher and chapters."""
    figures = content["figures"].get(language) or content["figures"]["fr"]
    parts = [
        Part(
            f"section-{i}",
            pick(s["headings"], language),
            html=render_markdown(pick(s["bodies"], language)),
        )
        for i, s in enumerate(content["sections"], start=1)
    ]
    parts.append(_observatory(figures["observatory"]))
    parts.append(_training(figures["training"]))
    if "publications" in figures:
        parts.append(_publications(figures["publications"]))
    parts.append(_finances(figures["finances"]))
    parts.append(_team(figures["team"]))
    period = content["period"]
    return {
        "title": pick(content["titles"], language),
        "period": period_label(period["start_year"], period["end_year"]),
        "publisher": content["publisher"],
        "parts": parts,
        "language": language,
    }

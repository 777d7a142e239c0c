"""Labels, tables and bar charts for release JSON and dashboard rows (shared by both sides)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from balise.core.formulas import safe_cells
from balise.disclosure import MARGIN
from balise.taxonomy.loader import vocabulary

VOCABULARY_OF_DIMENSION = {
    "form": "forms",
    "gender": "genders",
    "age_group": "age_groups",
    "citizenship_group": "citizenship_groups",
    "sector": "sectors",
    "province": "geography",
    "region": "geography",
    "arrondissement": "geography",
}


def dimension_label(name: str) -> str:
    labels = {
        "form": _("Form of exploitation"),
        "gender": _("Gender"),
        "age_group": _("Age group"),
        "citizenship_group": _("Citizenship"),
        "unaccompanied": _("Unaccompanied"),
        "sector": _("Sector"),
        "province": _("Province"),
        "region": _("Region"),
        "arrondissement": _("Arrondissement"),
        "sex": _("Sex"),
        "age": _("Age"),
        "citizenship": _("Citizenship (Eurostat)"),
        "eurostat_form": _("Form of exploitation (Eurostat)"),
    }
    return str(labels.get(name, name))


def code_label(dimension: str, code: str) -> str:
    if code == MARGIN:
        return _("Total")
    fixed = {
        ("unaccompanied", "yes"): _("Yes"),
        ("unaccompanied", "no"): _("No"),
        ("sex", "F"): _("Female"),
        ("sex", "M"): _("Male"),
        ("age", "child"): _("Child (under 18)"),
        ("citizenship", "reporting_country"): _("Belgian"),
        ("citizenship", "other_eu"): _("Other EU country"),
        ("citizenship", "non_eu"): _("Non-EU country"),
        ("eurostat_form", "sexual"): _("Sexual exploitation"),
        ("eurostat_form", "other"): _("Other forms"),
    }
    if (dimension, code) in fixed:
        return str(fixed[(dimension, code)])
    if code == "unknown":
        return _("Unknown")
    vocab = VOCABULARY_OF_DIMENSION.get(dimension)
    if vocab:
        entry = vocabulary(vocab).get(code)
        if entry is not None:
            return entry.label()
    return code


def table_title(name: str) -> str:
    from balise.observatory.tables import TABLE_LABELS

    return str(TABLE_LABELS.get(name, name))


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    width: float  # in SVG units, up to BAR_SPACE
    y: int
    text: str  # the figure written after the bar: "123" or "123 (45%)"


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    description: str


#: Charts are drawn on a 360-unit-wide canvas, about the width of a phone, so that text keeps
#: its size at 390 px; wider screens scale them up to the stylesheet's maximum width.
CHART_WIDTH = 360
BAR_SPACE = 250
ROW_HEIGHT = 42


def share(value: int | None, total: int | None) -> str:
    """``45%`` of ``total`` (empty when there is no total)."""
    if value is None or not total:
        return ""
    return f"{round(100 * value / total)}%"


def chart(
    title: str, items: Sequence[tuple[str, int | None]], *, total: int | None = None
) -> Chart:
    """Horizontal bars, the full label above each (SVG drawn by the template); withheld values
    get no bar. With ``total``, each figure is followed by its share of it."""
    largest = max([v for _, v in items if v is not None] or [0]) or 1
    bars = []
    for index, (label, value) in enumerate(items):
        portion = share(value, total)
        text = "" if value is None else (f"{value} ({portion})" if portion else str(value))
        width = 0.0 if value is None else BAR_SPACE * value / largest
        bars.append(Bar(label, value, round(width, 1), ROW_HEIGHT * index, text))
    description = "; ".join(
        f"{bar.label}: {bar.text if bar.value is not None else _('withheld')}" for bar in bars
    )
    return Chart(title, tuple(bars), ROW_HEIGHT * len(bars) + 4, description)


def release_chart(table: Mapping[str, Any]) -> Chart:
    """The first dimension's codes with every other dimension at its total."""
    dimensions = table["dimensions"]
    first, rest = dimensions[0], dimensions[1:]
    items = [
        (code_label(first, cell[first]), cell["value"])
        for cell in table["cells"]
        if cell[first] != MARGIN and all(cell[d] == MARGIN for d in rest)
    ]
    return chart(table_title(table["name"]), items)


@dataclass(frozen=True)
class Grid:
    """A table for display: header labels and rows of (label cells, value cells)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], tuple[int | str | None, ...]], ...]
    label_columns: int


def shown_value(cell: Mapping[str, Any]) -> int | str | None:
    """A cell's figure; a differentially private one with its 95% margin ("132 ± 6").

    The margin is rounded up, so the printed interval is never narrower than the computed one.
    """
    value = cell["value"]
    margin = cell.get("error_95")
    if value is None or margin is None:
        return value  # type: ignore[no-any-return]  # JSON: an int or null by the contract
    return f"{value} \u00b1 {math.ceil(float(margin))}"


def release_grid(table: Mapping[str, Any]) -> Grid:
    dimensions: list[str] = table["dimensions"]
    cells: list[dict[str, Any]] = table["cells"]
    if len(dimensions) == 2:
        row_dim, col_dim = dimensions
        columns: list[str] = []
        for cell in cells:
            if cell[col_dim] not in columns:
                columns.append(cell[col_dim])
        values = {(c[row_dim], c[col_dim]): shown_value(c) for c in cells}
        row_codes: list[str] = []
        for cell in cells:
            if cell[row_dim] not in row_codes:
                row_codes.append(cell[row_dim])
        return Grid(
            headers=(
                f"{dimension_label(row_dim)} \u00d7 {dimension_label(col_dim)}",
                *(code_label(col_dim, c) for c in columns),
            ),
            rows=tuple(
                ((code_label(row_dim, r),), tuple(values[(r, c)] for c in columns))
                for r in row_codes
            ),
            label_columns=1,
        )
    return Grid(
        headers=(*(dimension_label(d) for d in dimensions), _("Count")),
        rows=tuple(
            (tuple(code_label(d, cell[d]) for d in dimensions), (shown_value(cell),))
            for cell in cells
        ),
        label_columns=len(dimensions),
    )


MAX_DIMENSIONS = 4


def release_csv_rows(document: Mapping[str, Any]) -> Iterable[list[Any]]:
    header: list[Any] = ["table", "unit"]
    for index in range(1, MAX_DIMENSIONS + 1):
        header += [f"dimension_{index}", f"code_{index}"]
    noisy = "privacy" in document.get("release", {})
    yield [*header, "value", "withheld", *(["error_95"] if noisy else [])]
    for table in document["tables"]:
        for cell in table["cells"]:
            row: list[Any] = [table["name"], table["unit"]]
            for index in range(MAX_DIMENSIONS):
                if index < len(table["dimensions"]):
                    name = table["dimensions"][index]
                    row += [name, cell[name]]
                else:
                    row += ["", ""]
            value = cell["value"]
            row += ["" if value is None else value, "yes" if value is None else ""]
            yield [*row, cell.get("error_95", "")] if noisy else row


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for row in rows:
        writer.writerow(safe_cells(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append(safe_cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def release_xlsx_sheets(document: Mapping[str, Any]) -> list[tuple[str, list[list[Any]]]]:
    sheets = []
    noisy = "privacy" in document.get("release", {})
    extra = ["error_95"] if noisy else []
    for table in document["tables"]:
        dims = table["dimensions"]
        rows: list[list[Any]] = [[*dims, "value", "withheld", *extra]]
        for cell in table["cells"]:
            value = cell["value"]
            margin = [cell.get("error_95", "")] if noisy else []
            rows.append([*(cell[d] for d in dims), value, "yes" if value is None else "", *margin])
        sheets.append((table["name"], rows))
    return sheets

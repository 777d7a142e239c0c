"""Server-side SVG charts: the house's one chart module (no JavaScript, no pie charts).

Every chart in Balise is built here and shown through one template include, which renders the
SVG (``role="img"`` with ``<title>`` and ``<desc>``) and a data table beside it::

    from balise.core.charts import bar_chart, grouped_bar_chart, line_chart, stacked_bar_chart

    chart = bar_chart(
        title=_("Income by source, 2025"),
        items=[(_("Subsidies"), Decimal("120000.00")), (_("Gifts"), Decimal("8000.50"))],
        unit="€",
    )
    # in a template:  {% include "core/_chart.html" with chart=chart %}

The four kinds:

- ``bar_chart(title=, items=[(label, value)], unit=)``: horizontal bars, one per label.
- ``grouped_bar_chart(title=, categories=[...], series=[(series_label, [value per category])])``:
  per category, one horizontal bar per series (e.g. one per year), each bar labelled with its
  series name, so nothing is told by colour alone.
- ``line_chart(title=, x_labels=[...], series=[(label, [value per x])])``: trends (e.g. by year);
  each series has its own marker shape and is named at its last point; negative values allowed.
- ``stacked_bar_chart(title=, items=[(label, value)])``: one 100 % bar for a part-of-whole view
  (rather than a pie), segments numbered and listed with their share.
- ``heat_map(title=, rows=[...], columns=[...], values=[[value per column] per row])``: a grid
  of cells shaded by value, each with its value written in it (columns numbered, their names
  listed above the grid), e.g. children known to two sectors.

Values are ``int``, ``Decimal`` or ``float``, never negative except in line charts. They are shown
through ``value_format`` (default: the active language's grouping, e.g. ``12 345,5``); geometry
uses floats only to place shapes. Each ``Chart`` gives ``svg`` (a ``SafeString``),
``text_alternative`` (a sentence listing every value, in ``<desc>``; pass ``description`` to lead
it with your own summary), ``headers`` and ``rows`` (the data table). The SVG scales with its
``viewBox`` (width 100 % of its container): labels sit on their own line above each bar, so they
never overlap at 390 px. It uses only ``rect``, ``line``, ``polyline``, ``circle``, ``path`` and
``text``, which WeasyPrint draws like browsers do (tested by rendering a PDF).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal
ValueFormat = Callable[[Number], str]
Kind = Literal["bar", "grouped", "line", "stacked", "heat"]

__all__ = [
    "PALETTE",
    "Chart",
    "Number",
    "bar_chart",
    "grouped_bar_chart",
    "heat_map",
    "line_chart",
    "stacked_bar_chart",
]

# Fills with at least 3:1 contrast against white (WCAG 1.4.11) and distinct for common colour
# vision deficiencies; values are always written as text too, so colour never carries meaning alone.
PALETTE = ("#0b5cad", "#b04a00", "#1d6b32", "#6a3d9a", "#a61b1b", "#4a5361")
INK = "#1b1f24"
MUTED = "#4a5361"
GRID = "#c9ced6"

WIDTH = 480  # viewBox units; the SVG is drawn at 100 % of its container's width
FONT = 15  # at 390 px wide this is still about 12 px on screen
LINE = 20  # height of one text line
BAR = 18
PAD = 8
CHAR_WIDTH = 0.56  # of FONT, an average for system sans-serif; only to decide where text goes


def default_format(value: Number) -> str:
    """The value with the active language's grouping and at most two decimals."""
    if isinstance(value, float) and not value.is_integer():
        return str(formats.number_format(round(value, 2), 2, use_l10n=True, force_grouping=True))
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return str(formats.number_format(value, 2, use_l10n=True, force_grouping=True))
    return str(formats.number_format(int(value), 0, use_l10n=True, force_grouping=True))


@dataclass(frozen=True)
class Chart:
    """A chart ready to render: its SVG, its text alternative and its data table."""

    kind: Kind
    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[Number, ...]], ...]
    unit: str = ""
    description: str = ""
    value_format: ValueFormat = field(default=default_format, compare=False)
    chart_id: str = ""

    @property
    def dom_id(self) -> str:
        """A stable id for the title/desc references (same data, same id)."""
        if self.chart_id:
            return self.chart_id
        digest = hashlib.sha256(repr((self.kind, self.title, self.series)).encode()).hexdigest()
        return f"chart-{digest[:10]}"

    def formatted(self, value: Number) -> str:
        text = self.value_format(value)
        return f"{text}\u00a0{self.unit}" if self.unit else text  # never split from its unit

    @property
    def headers(self) -> tuple[str, ...]:
        if self.kind in ("bar", "stacked"):
            extra = (_("Share"),) if self.kind == "stacked" else ()
            return ("", _("Value"), *extra)
        return ("", *(name for name, _values in self.series))

    @property
    def rows(self) -> list[tuple[str, ...]]:
        """Rows of the data table: a category then its formatted values."""
        if self.kind in ("bar", "stacked"):
            values = self.series[0][1]
            if self.kind == "stacked":
                shares = _shares(values)
                return [
                    (label, self.formatted(v), f"{s} %")
                    for label, v, s in zip(self.categories, values, shares, strict=True)
                ]
            return [
                (label, self.formatted(v)) for label, v in zip(self.categories, values, strict=True)
            ]
        return [
            (label, *(self.formatted(values[i]) for _name, values in self.series))
            for i, label in enumerate(self.categories)
        ]

    @property
    def text_alternative(self) -> str:
        """The chart said in words: the optional summary, then every value."""
        parts: list[str] = []
        if self.kind == "bar":
            parts = [f"{label}: {value}" for label, value in self.rows]
        elif self.kind == "stacked":
            parts = [f"{label}: {value} ({share})" for label, value, share in self.rows]
        else:
            for row in self.rows:
                values = ", ".join(
                    f"{name} {value}"
                    for (name, _v), value in zip(self.series, row[1:], strict=True)
                )
                parts.append(f"{row[0]}: {values}")
        listing = "; ".join(parts) + "." if parts else _("No data.")
        return f"{self.description} {listing}" if self.description else listing

    @property
    def svg(self) -> SafeString:
        draw = {
            "bar": _draw_bars,
            "grouped": _draw_grouped,
            "line": _draw_line,
            "stacked": _draw_stacked,
            "heat": _draw_heat,
        }[self.kind]
        height, body = draw(self)
        cid = self.dom_id
        return mark_safe(  # noqa: S308 -- every text put in the SVG goes through _esc
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'preserveAspectRatio="xMinYMin meet" '
            f'aria-labelledby="{cid}-title {cid}-desc" '
            f'font-family="system-ui, sans-serif" font-size="{FONT}">'
            f'<title id="{cid}-title">{_esc(self.title)}</title>'
            f'<desc id="{cid}-desc">{_esc(self.text_alternative)}</desc>'
            f"{body}</svg>"
        )


def _esc(text: str) -> str:
    return escape(str(text), {'"': "&quot;"})


def _num(value: Number) -> float:
    return float(value)


def _check(values: Sequence[Number], *, allow_negative: bool = False) -> tuple[Number, ...]:
    out = tuple(values)
    for v in out:
        if not isinstance(v, int | float | Decimal) or isinstance(v, bool):
            raise TypeError(f"chart values must be numbers, got {v!r}")
        if isinstance(v, float | Decimal) and not math.isfinite(v):
            raise ValueError("chart values must be finite")
        if v < 0 and not allow_negative:
            raise ValueError("bar values must not be negative")
    return out


def _shares(values: Sequence[Number]) -> list[str]:
    """Percentages rounded half up to one decimal, as text in the active language."""
    total = sum(Decimal(str(v)) for v in values)
    shares = [Decimal(0) if total == 0 else (Decimal(str(v)) * 100 / total) for v in values]
    return [
        str(formats.number_format(s.quantize(Decimal("0.1"), ROUND_HALF_UP), 1, use_l10n=True))
        for s in shares
    ]


def _wrap(text: str, max_chars: int) -> list[str]:
    """Words onto lines of at most max_chars (a long word is cut with an ellipsis)."""
    lines: list[str] = []
    current = ""
    for word in str(text).split():
        if len(word) > max_chars:
            word = word[: max_chars - 1] + "…"
        candidate = f"{current} {word}".strip()
        if len(candidate) <= max_chars:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def _max_chars(width: float, font: float = FONT) -> int:
    return max(4, int(width / (font * CHAR_WIDTH)))


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK, **attrs: str
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{_esc(text)}</text>"
    )


def _bar_row(
    *,
    y: float,
    label: str,
    value: Number,
    scale_max: float,
    value_text: str,
    fill: str,
    left: float = PAD,
) -> tuple[float, str]:
    """A label on its own line(s) (if any), then the bar and its value; returns (new y, svg)."""
    parts: list[str] = []
    if label:
        for line in _wrap(label, _max_chars(WIDTH - 2 * PAD)):
            y += LINE
            parts.append(_text(PAD, y - 5, line))
    plot = WIDTH - PAD - left
    length = 0.0 if scale_max == 0 else _num(value) / scale_max * plot
    value_width = len(value_text) * FONT * CHAR_WIDTH + 2 * PAD
    parts.append(
        f'<rect class="bar" x="{left:.1f}" y="{y + 2:.1f}" width="{length:.2f}" height="{BAR}" '
        f'fill="{fill}" data-value="{_esc(str(value))}"/>'
    )
    baseline = y + 2 + BAR - 4
    if length >= value_width:
        parts.append(
            _text(left + length - PAD / 2, baseline, value_text, anchor="end", fill="#ffffff")
        )
    elif left + length + value_width <= WIDTH:
        parts.append(_text(left + length + PAD / 2, baseline, value_text))
    else:  # a long value beside a bar that almost fills the width: inside, at the end
        parts.append(_text(WIDTH - PAD, baseline, value_text, anchor="end", fill="#ffffff"))
    return y + BAR + 2 + PAD, "".join(parts)


def _empty(y: float) -> tuple[int, str]:
    return int(y + LINE + PAD), _text(PAD, y + LINE, _("No data."), fill=MUTED)


def _draw_bars(chart: Chart) -> tuple[int, str]:
    values = chart.series[0][1]
    if not values:
        return _empty(0)
    scale_max = max(_num(v) for v in values)
    y = 0.0
    parts = []
    for label, value in zip(chart.categories, values, strict=True):
        y, svg = _bar_row(
            y=y,
            label=label,
            value=value,
            scale_max=scale_max,
            value_text=chart.formatted(value),
            fill=PALETTE[0],
        )
        parts.append(svg)
    return math.ceil(y), "".join(parts)


def _draw_grouped(chart: Chart) -> tuple[int, str]:
    all_values = [_num(v) for _name, values in chart.series for v in values]
    if not all_values or not chart.categories:
        return _empty(0)
    scale_max = max(all_values)
    # Short series names (years) go in a gutter left of their bar; long ones on their own line.
    longest = max(len(name) for name, _values in chart.series)
    gutter = longest * FONT * CHAR_WIDTH + PAD if longest <= 12 else 0.0
    y = 0.0
    parts = []
    for i, category in enumerate(chart.categories):
        for line in _wrap(category, _max_chars(WIDTH - 2 * PAD)):
            y += LINE
            parts.append(_text(PAD, y - 5, line, font_weight="bold"))
        for s, (name, values) in enumerate(chart.series):
            value = values[i]
            if gutter:
                parts.append(_text(PAD, y + 2 + BAR - 4, name, fill=MUTED))
                y, svg = _bar_row(
                    y=y,
                    label="",
                    value=value,
                    scale_max=scale_max,
                    value_text=chart.formatted(value),
                    fill=PALETTE[s % len(PALETTE)],
                    left=PAD + gutter,
                )
                y -= PAD - 4
            else:
                y, svg = _bar_row(
                    y=y - 4,
                    label=str(name),
                    value=value,
                    scale_max=scale_max,
                    value_text=chart.formatted(value),
                    fill=PALETTE[s % len(PALETTE)],
                )
            parts.append(svg)
        y += PAD
    return math.ceil(y), "".join(parts)


MARKERS = ("circle", "square", "triangle", "diamond")


def _marker(shape: str, x: float, y: float, fill: str) -> str:
    r = 5.0
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}"/>'
    if shape == "square":
        side = 2 * r
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{side}" height="{side}" fill="{fill}"/>'
        )
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f},{y - r - 1:.1f} L{x + r + 1:.1f},{y + r:.1f} '
            f'L{x - r - 1:.1f},{y + r:.1f} Z" fill="{fill}"/>'
        )
    return (
        f'<path d="M{x:.1f},{y - r - 1:.1f} L{x + r + 1:.1f},{y:.1f} L{x:.1f},{y + r + 1:.1f} '
        f'L{x - r - 1:.1f},{y:.1f} Z" fill="{fill}"/>'
    )


def _draw_line(chart: Chart) -> tuple[int, str]:
    all_values = [_num(v) for _name, values in chart.series for v in values]
    if not all_values or not chart.categories:
        return _empty(0)
    low = min(0.0, *all_values)
    high = max(0.0, *all_values)
    if high == low:
        high = low + 1
    # The legend first: one line per series, its marker and name (not colour alone).
    parts: list[str] = []
    y = 0.0
    for s, (name, _values) in enumerate(chart.series):
        y += LINE
        colour = PALETTE[s % len(PALETTE)]
        parts.append(_marker(MARKERS[s % len(MARKERS)], PAD + 6, y - 5, colour))
        parts.append(_text(PAD + 18, y, str(name)))
    top = y + PAD * 2 + FONT
    plot_height = 180.0
    bottom = top + plot_height
    left, right = PAD + 6, WIDTH - PAD - 6
    labels = chart.categories
    step = (right - left) / max(1, len(labels) - 1)

    def ypos(v: float) -> float:
        return bottom - (v - low) / (high - low) * plot_height

    # Axis lines: zero and the top value, labelled.
    parts.append(
        f'<line x1="{PAD}" y1="{ypos(0):.1f}" x2="{WIDTH - PAD}" y2="{ypos(0):.1f}" '
        f'stroke="{MUTED}"/>'
    )
    parts.append(_text(PAD, top - 6, chart.formatted(high), fill=MUTED))
    if low < 0:
        parts.append(_text(PAD, bottom + FONT + 2, chart.formatted(low), fill=MUTED))
    for s, (_name, values) in enumerate(chart.series):
        colour = PALETTE[s % len(PALETTE)]
        points = [
            (left + i * step if len(labels) > 1 else (left + right) / 2, ypos(_num(v)))
            for i, v in enumerate(values)
        ]
        parts.append(
            f'<polyline class="trend" fill="none" stroke="{colour}" stroke-width="2.5" '
            f'points="{" ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)}"/>'
        )
        parts.extend(_marker(MARKERS[s % len(MARKERS)], x, yy, colour) for x, yy in points)
    # X labels: every one when they fit, else every n-th (the table holds all of them).
    label_y = bottom + FONT + (FONT + 6 if low < 0 else 6)
    widest = max(len(str(label)) for label in labels) * FONT * CHAR_WIDTH + 6
    every = max(1, math.ceil(widest / step)) if len(labels) > 1 else 1
    for i, label in enumerate(labels):
        if i % every and i != len(labels) - 1:
            continue
        x = left + i * step if len(labels) > 1 else (left + right) / 2
        anchor = (
            "start"
            if i == 0 and len(labels) > 1
            else ("end" if i == len(labels) - 1 and len(labels) > 1 else "middle")
        )
        parts.append(_text(x, label_y, str(label), anchor=anchor, fill=MUTED))
    return math.ceil(label_y + PAD), "".join(parts)


def _draw_stacked(chart: Chart) -> tuple[int, str]:
    values = chart.series[0][1]
    total = sum(_num(v) for v in values)
    if not values or total == 0:
        return _empty(0)
    parts: list[str] = []
    x = float(PAD)
    plot = WIDTH - 2 * PAD
    bar_top, bar_height = 4.0, 28.0
    for i, value in enumerate(values):
        width = _num(value) / total * plot
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect class="bar" x="{x:.2f}" y="{bar_top}" width="{width:.2f}" '
            f'height="{bar_height}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1.5" data-value="{_esc(str(value))}"/>'
        )
        if width >= FONT * 1.4:
            parts.append(
                _text(
                    x + width / 2,
                    bar_top + bar_height - 9,
                    str(i + 1),
                    anchor="middle",
                    fill="#ffffff",
                    font_weight="bold",
                )
            )
        x += width
    y = bar_top + bar_height + PAD
    shares = _shares(values)
    for i, (label, value, share) in enumerate(zip(chart.categories, values, shares, strict=True)):
        colour = PALETTE[i % len(PALETTE)]
        text = f"{i + 1}. {label}: {chart.formatted(value)} ({share} %)"
        for j, line in enumerate(_wrap(text, _max_chars(WIDTH - 2 * PAD - 22))):
            y += LINE
            if j == 0:
                parts.append(
                    f'<rect x="{PAD}" y="{y - 14:.1f}" width="14" height="14" fill="{colour}"/>'
                )
            parts.append(_text(PAD + 22, y - 2, line))
    return math.ceil(y + PAD), "".join(parts)


#: Heat-map shades, lightest first: the first three carry dark text (contrast over 8:1), the
#: darkest white text (6.7:1); a zero is white with a grey outline.
HEAT_FILLS = ("#e4edf7", "#c8daef", "#9dbde2", PALETTE[0])
CELL = 30


def _heat_level(value: float, largest: float) -> int:
    """0 for a zero, else 1 to len(HEAT_FILLS) by the value's share of the largest."""
    if value <= 0 or largest <= 0:
        return 0
    return min(len(HEAT_FILLS), 1 + int(len(HEAT_FILLS) * value / largest - 1e-9))


def _draw_heat(chart: Chart) -> tuple[int, str]:
    columns = [name for name, _values in chart.series]
    if not columns or not chart.categories:
        return _empty(0)
    largest = max(_num(v) for _name, values in chart.series for v in values)
    parts: list[str] = []
    y = 0.0
    for i, name in enumerate(columns):  # the columns' names, numbered, above the grid
        for j, line in enumerate(_wrap(f"{i + 1}. {name}", _max_chars(WIDTH - 2 * PAD))):
            y += LINE
            parts.append(_text(PAD + (0 if j == 0 else 18), y - 4, line, fill=MUTED))
    width = (WIDTH - 2 * PAD) / len(columns)
    y += PAD + LINE
    for i in range(len(columns)):
        parts.append(_text(PAD + width * (i + 0.5), y - 4, str(i + 1), anchor="middle"))
    for r, label in enumerate(chart.categories):
        for line in _wrap(label, _max_chars(WIDTH - 2 * PAD)):
            y += LINE
            parts.append(_text(PAD, y - 4, line))
        for c, (_name, values) in enumerate(chart.series):
            value = values[r]
            level = _heat_level(_num(value), largest)
            fill = HEAT_FILLS[level - 1] if level else "#ffffff"
            x = PAD + c * width
            parts.append(
                f'<rect class="cell" x="{x + 1:.2f}" y="{y + 2:.1f}" width="{width - 2:.2f}" '
                f'height="{CELL}" fill="{fill}" stroke="{GRID}" data-level="{level}" '
                f'data-value="{_esc(str(value))}"/>'
            )
            parts.append(
                _text(
                    x + width / 2,
                    y + 2 + CELL - 10,
                    chart.value_format(value),
                    anchor="middle",
                    fill="#ffffff" if level == len(HEAT_FILLS) else INK,
                )
            )
        y += CELL + 2 + PAD
    return math.ceil(y), "".join(parts)


def _labels(items: Sequence[tuple[str, Number]]) -> tuple[tuple[str, ...], tuple[Number, ...]]:
    return tuple(str(label) for label, _v in items), tuple(v for _label, v in items)


def bar_chart(
    *,
    title: str,
    items: Sequence[tuple[str, Number]],
    unit: str = "",
    description: str = "",
    value_format: ValueFormat = default_format,
    chart_id: str = "",
) -> Chart:
    """Horizontal bars, one per (label, value), in the given order."""
    labels, values = _labels(items)
    return Chart(
        kind="bar",
        title=str(title),
        categories=labels,
        series=(("", _check(values)),),
        unit=unit,
        description=str(description),
        value_format=value_format,
        chart_id=chart_id,
    )


def grouped_bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    unit: str = "",
    description: str = "",
    value_format: ValueFormat = default_format,
    chart_id: str = "",
) -> Chart:
    """Per category, one bar per series (e.g. per year); all bars on one scale."""
    cats = tuple(str(c) for c in categories)
    checked = tuple((str(name), _check(values)) for name, values in series)
    for name, values in checked:
        if len(values) != len(cats):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(cats)} categories")
    return Chart(
        kind="grouped",
        title=str(title),
        categories=cats,
        series=checked,
        unit=unit,
        description=str(description),
        value_format=value_format,
        chart_id=chart_id,
    )


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    unit: str = "",
    description: str = "",
    value_format: ValueFormat = default_format,
    chart_id: str = "",
) -> Chart:
    """Trends: one line per series over x_labels (e.g. years); negative values allowed."""
    labels = tuple(str(x) for x in x_labels)
    checked = tuple((str(name), _check(values, allow_negative=True)) for name, values in series)
    for name, values in checked:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    return Chart(
        kind="line",
        title=str(title),
        categories=labels,
        series=checked,
        unit=unit,
        description=str(description),
        value_format=value_format,
        chart_id=chart_id,
    )


def stacked_bar_chart(
    *,
    title: str,
    items: Sequence[tuple[str, Number]],
    unit: str = "",
    description: str = "",
    value_format: ValueFormat = default_format,
    chart_id: str = "",
) -> Chart:
    """One 100 % bar: each (label, value) a numbered segment, listed with its share."""
    labels, values = _labels(items)
    return Chart(
        kind="stacked",
        title=str(title),
        categories=labels,
        series=(("", _check(values)),),
        unit=unit,
        description=str(description),
        value_format=value_format,
        chart_id=chart_id,
    )


def heat_map(
    *,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[Number]],
    unit: str = "",
    description: str = "",
    value_format: ValueFormat = default_format,
    chart_id: str = "",
) -> Chart:
    """A grid of ``values[row][column]``, each cell shaded by its value and showing it."""
    labels = tuple(str(r) for r in rows)
    if len(values) != len(labels) or any(len(row) != len(columns) for row in values):
        raise ValueError(f"values must be {len(labels)} rows of {len(columns)} columns")
    series = tuple(
        (str(name), _check([row[c] for row in values])) for c, name in enumerate(columns)
    )
    return Chart(
        kind="heat",
        title=str(title),
        categories=labels,
        series=series,
        unit=unit,
        description=str(description),
        value_format=value_format,
        chart_id=chart_id,
    )

"""balise.core.charts: well-formed SVG, bars proportional to values, a text alternative and a
data table, and the same drawing in a PDF rendered by WeasyPrint (read back with pypdf)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from balise.core.charts import (
    PALETTE,
    Chart,
    bar_chart,
    grouped_bar_chart,
    heat_map,
    line_chart,
    stacked_bar_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 -- our own output, not untrusted input


def _bar_widths(root: ET.Element) -> list[float]:
    return [float(r.attrib["width"]) for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def _all_charts() -> list[Chart]:
    return [
        bar_chart(title="Income", items=[("Fees", Decimal("10.50")), ("Gifts", 21)], unit="€"),
        grouped_bar_chart(
            title="Expenses",
            categories=["Goods", "Pay"],
            series=[("2024", [1, 2]), ("2025", [3, 4])],
        ),
        line_chart(title="Result", x_labels=["2023", "2024"], series=[("Result", [-5, 7])]),
        stacked_bar_chart(title="Shares", items=[("A", 1), ("B", 3)]),
        heat_map(title="Overlap", rows=["A", "B"], columns=["A", "B"], values=[[3, 1], [1, 2]]),
    ]


@pytest.mark.parametrize("chart", _all_charts(), ids=lambda c: c.kind)
def test_it_draws_well_formed_svg_with_a_text_alternative(chart: Chart) -> None:
    root = _parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 480 ")
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert title.text == chart.title
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # Every value of the data table is said in the text alternative.
    for row in chart.rows:
        for cell in row:
            assert cell in (desc.text or "")


def test_it_makes_bar_lengths_proportional_to_values() -> None:
    values = [Decimal("1234.56"), Decimal("120000.00"), Decimal("8000")]
    chart = bar_chart(title="t", items=[(f"L{i}", v) for i, v in enumerate(values)])
    widths = _bar_widths(_parse(chart))
    assert widths[1] == pytest.approx(464)  # the largest fills the plot
    for width, value in zip(widths, values, strict=True):
        assert width == pytest.approx(float(value) / 120000 * 464, abs=0.01)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False), min_size=1, max_size=8
    )
)
def test_it_keeps_every_bar_proportional(values: list[Decimal]) -> None:
    chart = bar_chart(title="t", items=[(str(i), v) for i, v in enumerate(values)])
    widths = _bar_widths(_parse(chart))
    top = max(values)
    for width, value in zip(widths, values, strict=True):
        expected = 0 if top == 0 else float(value / top) * 464
        assert width == pytest.approx(expected, abs=0.01)


def test_it_puts_every_series_on_one_scale_in_grouped_bars() -> None:
    chart = grouped_bar_chart(
        title="t", categories=["a", "b"], series=[("2024", [10, 40]), ("2025", [20, 0])]
    )
    widths = _bar_widths(_parse(chart))  # category a: 2024, 2025; category b: 2024, 2025
    assert widths[0] * 4 == pytest.approx(widths[2])
    assert widths[1] * 2 == pytest.approx(widths[2])
    assert widths[3] == 0
    # The year is written beside each bar: nothing told by colour alone.
    texts = [t.text for t in _parse(chart).iter(f"{SVG}text")]
    assert texts.count("2024") == 2
    assert texts.count("2025") == 2


def test_it_splits_a_stacked_bar_by_share_and_rounds_half_up() -> None:
    chart = stacked_bar_chart(title="t", items=[("A", 10), ("B", 30), ("C", 5)])
    widths = _bar_widths(_parse(chart))
    assert sum(widths) == pytest.approx(464)
    assert widths[1] == pytest.approx(3 * widths[0])
    assert [row[2] for row in chart.rows] == ["22.2 %", "66.7 %", "11.1 %"]


def test_it_draws_one_marker_shape_per_series_and_allows_negatives() -> None:
    chart = line_chart(
        title="t", x_labels=["2023", "2024", "2025"], series=[("a", [1, -2, 3]), ("b", [0, 0, 0])]
    )
    root = _parse(chart)
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert len(list(root.iter(f"{SVG}circle"))) == 4  # a's 3 points and its legend marker
    assert len(list(root.iter(f"{SVG}rect"))) == 4  # b's squares


def test_it_refuses_negative_bars_and_mismatched_series() -> None:
    with pytest.raises(ValueError, match="negative"):
        bar_chart(title="t", items=[("a", -1)])
    with pytest.raises(ValueError, match="2 values for 3"):
        grouped_bar_chart(title="t", categories=["a", "b", "c"], series=[("s", [1, 2])])
    with pytest.raises(TypeError):
        bar_chart(title="t", items=[("a", True)])


def test_it_escapes_labels() -> None:
    chart = bar_chart(title='<b>"x"</b> & y', items=[("<script>alert(1)</script>", 3)])
    root = _parse(chart)
    assert root.find(f"{SVG}title").text == '<b>"x"</b> & y'  # type: ignore[union-attr]
    assert "<script>" not in str(chart.svg)


def test_it_wraps_long_labels_within_the_view_box() -> None:
    label = "Subsides de la Fédération Wallonie-Bruxelles pour la prévention " * 2
    root = _parse(bar_chart(title="t", items=[(label, 1)]))
    lines = [t.text or "" for t in root.iter(f"{SVG}text")][:-1]  # the last one is the value
    assert len(lines) > 1
    assert all(len(line) * 15 * 0.56 <= 464 for line in lines)


def test_it_formats_values_in_the_active_language() -> None:
    chart = bar_chart(title="t", items=[("a", Decimal("1234.5"))], unit="€")
    with translation.override("fr"):
        assert chart.rows == [("a", "1\u00a0234,50\u00a0€")]
    with translation.override("en"):
        assert chart.rows == [("a", "1,234.50\u00a0€")]


def test_it_says_when_there_is_nothing_to_draw() -> None:
    chart = bar_chart(title="t", items=[])
    assert "No data." in str(chart.svg)
    assert chart.text_alternative == "No data."


def test_it_renders_the_include_with_the_chart_and_its_table() -> None:
    chart = bar_chart(
        title="Income", items=[("Fees", 10), ("Gifts", 20)], description="Gifts lead."
    )
    html = render_to_string("core/_chart.html", {"chart": chart})
    assert html.count("<svg") == 1
    assert "<table" in html
    assert '<th scope="row">Fees</th>' in html
    assert "Gifts lead. Fees: 10; Gifts: 20." in html


def _drawing(page_content: str, colour: str) -> list[float]:
    """Widths of the rectangles filled with colour (#rrggbb) in a PDF content stream."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    widths = []
    pattern = re.compile(r"([\d.]+) ([\d.]+) ([\d.]+) rg\n(?:[^\n]*\n){0,6}?\S+ \S+ (\S+) 18 re")
    for match in pattern.finditer(page_content):
        found = [float(match.group(i)) for i in (1, 2, 3)]
        if all(abs(a - b) < 0.002 for a, b in zip(found, rgb, strict=True)):
            widths.append(float(match.group(4)))
    return widths


def test_it_draws_the_same_bars_in_a_weasyprint_pdf() -> None:
    from weasyprint import HTML

    values = [Decimal("1234.56"), Decimal("120000"), Decimal("8000")]
    chart = bar_chart(
        title="Income by source",
        items=[("Membership fees", values[0]), ("Subsidies", values[1]), ("Gifts", values[2])],
        unit="€",
    )
    trend = line_chart(
        title="Result by year", x_labels=["2023", "2024"], series=[("Result", [1, 2])]
    )
    body = "".join(render_to_string("core/_chart.html", {"chart": c}) for c in (chart, trend))
    pdf = HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    for label in (
        "Membership fees",
        "Subsidies",
        "Gifts",
        "120,000\u00a0€",
        "Result by year",
        "2023",
    ):
        assert label in text
    content = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    widths = _drawing(content, PALETTE[0])
    assert len(widths) == 3
    for width, value in zip(widths, values, strict=True):
        assert width == pytest.approx(float(value) / 120000 * 464, abs=0.01)


def test_it_shades_heat_map_cells_by_value_and_writes_each_value() -> None:
    chart = heat_map(
        title="Overlap",
        rows=["Police", "Youth aid"],
        columns=["Police", "Youth aid"],
        values=[[8, 1], [1, 0]],
    )
    root = _parse(chart)
    cells = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "cell"]
    assert [(c.attrib["data-value"], c.attrib["data-level"]) for c in cells] == [
        ("8", "4"),
        ("1", "1"),
        ("1", "1"),
        ("0", "0"),
    ]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("1") >= 2
    assert {"8", "0"} <= set(texts)
    assert chart.rows == [("Police", "8", "1"), ("Youth aid", "1", "0")]
    assert "Police: Police 8, Youth aid 1" in chart.text_alternative
    with pytest.raises(ValueError, match="rows"):
        heat_map(title="Bad", rows=["A"], columns=["A", "B"], values=[[1]])

"""Editors' Markdown becomes safe HTML: no script, no event handler, no javascript: link."""

from __future__ import annotations

from balise.core.markdown import markdown_to_text, render_markdown


def test_it_renders_the_safe_subset() -> None:
    html = render_markdown(
        "# Titre\n\nUn **rapport** et [le site](https://example.org).\n\n- a\n- b\n"
    )
    assert "<h2>Titre</h2>" in html
    assert "<strong>rapport</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">le site</a>' in html
    assert "<ul>" in html
    assert "<li>a</li>" in html


def test_it_keeps_raw_html_as_text() -> None:
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_it_drops_dangerous_links() -> None:
    html = render_markdown("[click](javascript:alert(1)) [data](data:text/html,hi)")
    assert "<a" not in html
    assert "href" not in html
    assert "click" in html


def test_it_renders_tables() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_it_gives_a_plain_text_version() -> None:
    text = markdown_to_text("Un **rapport** et [le site](https://example.org), *bientôt*.")
    assert text == "Un rapport et le site (https://example.org), bientôt.\n"

"""Markdown written by editors (newsletter issues, report narratives), rendered safely.

markdown-it-py parses CommonMark with raw HTML switched off (``<script>`` stays text); its HTML is
then passed through nh3 (the Rust ammonia sanitiser) with a small allow-list, so whatever a
future parser option lets through, only these tags, these attributes and http(s)/mailto links
reach a page or a mail. Links get ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable("table")
# An editor's "# Title" would compete with the page's own h1: headings start at h2.
_HEADING = re.compile(r"<(/?)h([1-6])>")


def _shift_headings(html: str) -> str:
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 4)}>", html)


def render_markdown(text: str) -> SafeString:
    """Safe HTML for ``text`` (Markdown, safe subset)."""
    html = _shift_headings(_parser.render(text or ""))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 with the allow-list above


def markdown_to_text(text: str) -> str:
    """A plain-text rendering (the text part of a mail): the Markdown source is already meant
    to be read as text; links become ``label (url)`` and emphasis marks go."""
    out = re.sub(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)", r"\1", text or "")
    out = re.sub(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)", r"\1 (\2)", out)
    out = re.sub(r"(\*\*|__)(.+?)\1", r"\2", out)
    out = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", out)
    out = re.sub(r"`([^`]+)`", r"\1", out)
    return out.strip() + "\n"

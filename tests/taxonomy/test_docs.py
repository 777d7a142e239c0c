"""docs/data-dictionary.md is generated from the data files and must match them."""

from __future__ import annotations

from pathlib import Path

from balise.taxonomy.docs import render_markdown
from balise.taxonomy.loader import load

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def test_it_keeps_the_committed_dictionary_page_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "run: .venv/bin/python -m balise.taxonomy.docs > docs/data-dictionary.md"
    )


def test_it_lists_every_vocabulary_and_code() -> None:
    text = render_markdown()
    for name, vocab in load().vocabularies.items():
        assert f"(`{name}`)" in text
        for entry in vocab.entries:
            assert entry.code in text

"""docs/detection.md lists every question of the current dictionary with its points."""

from __future__ import annotations

from pathlib import Path

from balise.detection.catalogue import load_catalogue

DOC = Path(__file__).resolve().parents[2] / "docs" / "detection.md"


def test_it_documents_every_question_with_its_points() -> None:
    text = DOC.read_text(encoding="utf-8")
    catalogue = load_catalogue()
    for code in catalogue.vulnerability_codes:
        assert f"`{code}`" in text, code
    rows = {line.split("|")[2].strip(): line for line in text.splitlines() if line.count("|") > 6}
    for code in catalogue.sign_codes:
        points = catalogue.indicators[code].points
        assert f"`{code}`" in rows, code
        expected = f"{points['last_6_months']} / {points['6_to_12_months']}"
        assert f"| {expected} |" in rows[f"`{code}`"], code

"""The release JSON contract: exact shape, every cell and margin, and reading it back."""

from __future__ import annotations

import json

from balise.disclosure import (
    MARGIN,
    DisclosureRules,
    ReleaseTables,
    TableSpec,
    build_release,
    protect_release,
    release_from_json,
    release_to_json,
)
from balise.disclosure.types import Row
from tests.disclosure.helpers import AGE_BAND, MONTHS, PLACE, SEX, rows_from_counts

COUNTS = {
    ("a", "F"): 3, ("a", "M"): 20, ("b", "F"): 15, ("b", "M"): 30,
    ("c", "F"): 40, ("c", "M"): 50, ("d", "F"): 14, ("d", "M"): 18,
}  # fmt: skip


def _rows() -> list[Row]:
    rows = rows_from_counts(COUNTS, ("arrondissement", "sex"))
    return [{**row, "age": str(i % 18), "month": MONTHS[i % 12]} for i, row in enumerate(rows)]


def _protected() -> ReleaseTables:
    specs = [
        TableSpec("place_sex", "situations", (PLACE, SEX)),
        TableSpec("age", "situations", (AGE_BAND,), scope={"month": frozenset(MONTHS[:6])}),
    ]
    release = build_release(specs, _rows(), metadata={"id": "2025", "period": "2025"})
    return protect_release(release)


def test_it_writes_the_exact_contract_shape() -> None:
    data = release_to_json(_protected())
    assert set(data) == {"release", "tables"}
    assert data["release"]["id"] == "2025"
    first = data["tables"][0]
    assert set(first) == {"name", "unit", "dimensions", "cells"}
    assert first["name"] == "place_sex"
    assert first["unit"] == "situations"
    assert first["dimensions"] == ["place", "sex"]
    assert len(first["cells"]) == 7 * 3  # 6 places and a margin, 2 sexes and a margin
    for cell in first["cells"]:
        assert set(cell) == {"place", "sex", "value"}
        assert cell["value"] is None or isinstance(cell["value"], int)
    grand_total = next(c for c in first["cells"] if c["place"] == c["sex"] == MARGIN)
    assert grand_total["value"] == sum(COUNTS.values())
    small = next(c for c in first["cells"] if c["place"] == "a" and c["sex"] == "F")
    assert small["value"] is None
    json.dumps(data)  # plain JSON, nothing else


def test_it_never_publishes_why_a_cell_is_withheld() -> None:
    protected = _protected()
    assert {r for t in protected.tables for r in t.suppressed.values()} >= {"threshold"}
    tables_text = json.dumps(release_to_json(protected)["tables"])
    for reason in ("threshold", "secondary", "class", "zero"):
        assert reason not in tables_text


def test_it_reads_a_release_back_unchanged() -> None:
    data = release_to_json(_protected())
    again = release_from_json(json.loads(json.dumps(data)))
    assert release_to_json(again) == data
    assert again.rules == DisclosureRules()
    assert again.table("age").spec.scope == {"month": frozenset(MONTHS[:6])}
    assert again.table("place_sex").values[("a", "F")] is None

"""Small code lists and microdata builders shared by the disclosure tests."""

from __future__ import annotations

from collections.abc import Mapping

from balise.disclosure import Dimension
from balise.disclosure.types import Row

ARRONDISSEMENT = Dimension.flat("arrondissement", ["a", "b", "c", "d"])
SEX = Dimension.flat("sex", ["F", "M"])
PROVINCE = Dimension.grouped(
    "province", {"P1": ["a", "c"], "P2": ["b", "d"]}, variable="arrondissement"
)
PLACE = Dimension.hierarchical(
    "place",
    {"P1": None, "a": "P1", "c": "P1", "P2": None, "b": "P2", "d": "P2"},
    variable="arrondissement",
)
AGE_BAND = Dimension.grouped(
    "age_band",
    {"0-11": [str(a) for a in range(12)], "12-17": ["12", "13", "14", "15", "16", "17"]},
    variable="age",
)
WIDE_AGE = Dimension.grouped("age_band_wide", {"0-17": [str(a) for a in range(18)]}, variable="age")
MONTHS = tuple(f"2025-{m:02d}" for m in range(1, 13))


def rows_from_counts(counts: Mapping[tuple[str, str], int], names: tuple[str, str]) -> list[Row]:
    """Situations, one per unit of count, with the given variable values."""
    return [dict(zip(names, values, strict=True)) for values, n in counts.items() for _ in range(n)]

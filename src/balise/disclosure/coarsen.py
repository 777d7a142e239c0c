"""Suggestions to coarsen: how many cells a table loses at each granularity on offer.

An analyst drafting a release sees, for each dimension with coarser alternatives (province
instead of arrondissement, wider age bands), how many cells would be withheld, so they can
choose the view that loses least.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from balise.disclosure.build import build_table
from balise.disclosure.model import Dimension, DisclosureRules, ReleaseTables, TableSpec
from balise.disclosure.primary import primary_suppressions
from balise.disclosure.secondary import protect_release
from balise.disclosure.types import Row

__all__ = ["CoarseningOption", "suggest_coarsening"]


@dataclass(frozen=True)
class CoarseningOption:
    """One way to show a table and what protecting it alone would cost."""

    dimensions: tuple[str, ...]  # the dimension names of this variant
    replaced: str | None  # the dimension swapped for a coarser one (None: as drafted)
    cells: int
    primary: int
    suppressed: int  # primary and complementary together

    @property
    def suppressed_share(self) -> float:
        return self.suppressed / self.cells if self.cells else 0.0


def suggest_coarsening(
    spec: TableSpec,
    rows: Sequence[Row],
    alternatives: Mapping[str, Sequence[Dimension]],
    *,
    rules: DisclosureRules | None = None,
    child_key: str = "child",
    secondary: bool = True,
) -> list[CoarseningOption]:
    """Compare ``spec`` as drafted with each coarser dimension in ``alternatives``.

    ``alternatives`` maps a dimension name of ``spec`` to coarser dimensions over the same
    variable. Each variant is protected on its own (no earlier releases): the figures are for
    choosing a granularity, the release itself is protected jointly afterwards. The drafted
    variant comes first, then the others from least to most withheld. ``secondary=False``
    counts primary cells only (instant, for a live preview).
    """
    rules = rules or DisclosureRules()
    variants: list[tuple[str | None, TableSpec]] = [(None, spec)]
    for name, options in alternatives.items():
        if name not in spec.dimension_names:
            raise ValueError(f"table {spec.name!r} has no dimension {name!r}")
        variable = next(d.variable for d in spec.dimensions if d.name == name)
        for option in options:
            if option.variable != variable:
                raise ValueError(f"{option.name!r} does not classify {variable!r}")
            variants.append((name, spec.with_dimension(option)))
    out = []
    for replaced, variant in variants:
        table = build_table(variant, rows, child_key=child_key)
        primary = len(primary_suppressions(table, rules))
        suppressed = primary
        if secondary:
            release = ReleaseTables(metadata={}, tables=(table,), rules=rules)
            suppressed = protect_release(release).suppressed_count
        out.append(
            CoarseningOption(
                dimensions=variant.dimension_names,
                replaced=replaced,
                cells=len(table.values),
                primary=primary,
                suppressed=suppressed,
            )
        )
    return [out[0], *sorted(out[1:], key=lambda o: (o.suppressed_share, o.suppressed))]

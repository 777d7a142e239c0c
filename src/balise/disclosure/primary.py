"""Primary suppression: small counts (threshold rule) and class disclosure.

Zeros are not sensitive by default: a sampled zero says nothing about a person, and structural
zeros (an arrondissement outside its province) never become cells because hierarchies are built
from code trees. ``DisclosureRules.suppress_zeros`` turns zeros into sensitive cells for a
stricter policy.
"""

from __future__ import annotations

from balise.disclosure.model import CountTable, DisclosureRules
from balise.disclosure.types import CellKey, SuppressionReason

__all__ = ["class_disclosures", "primary_suppressions"]


def class_disclosures(table: CountTable, rules: DisclosureRules) -> list[tuple[CellKey, CellKey]]:
    """Pairs ``(cell, margin)`` where one category holds a whole non-zero margin.

    For each dimension and each line along it, the codes under one head (the margin ``*`` or a
    parent code) are compared with the head's cell: a code whose count equals a non-zero head
    count, among two or more codes, discloses that everyone counted there shares it.
    """
    if not rules.class_disclosure:
        return []
    found: list[tuple[CellKey, CellKey]] = []
    dims = table.spec.dimensions
    for position, dimension in enumerate(dims):
        if rules.class_dimensions is not None and dimension.name not in rules.class_dimensions:
            continue
        groups = {h: m for h, m in dimension.siblings().items() if len(m) >= 2}
        if not groups:
            continue
        for key in table.spec.cell_keys():
            head = key[position]
            members = groups.get(head)
            if members is None:
                continue
            total = table.values[key]
            if not total:
                continue
            for member in members:
                cell = (*key[:position], member, *key[position + 1 :])
                if table.values[cell] == total:
                    found.append((cell, key))
    return found


def primary_suppressions(
    table: CountTable, rules: DisclosureRules
) -> dict[CellKey, SuppressionReason]:
    """The cells to withhold before any complementary suppression, with their reason."""
    out: dict[CellKey, SuppressionReason] = {}
    for key, value in table.values.items():
        if value is None:
            raise ValueError(f"table {table.name!r}: primary suppression needs true values")
        if 1 <= value < rules.threshold:
            out[key] = "threshold"
        elif value == 0 and rules.suppress_zeros:
            out[key] = "zero"
    for cell, _margin in class_disclosures(table, rules):
        out.setdefault(cell, "class")
    return out

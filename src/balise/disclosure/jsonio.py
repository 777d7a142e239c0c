"""The release JSON contract other tools depend on, and reading earlier releases back.

``{"release": {...metadata...}, "tables": [{"name", "unit", "dimensions", "cells"}]}``: every
cell and every margin, ``"*"`` for a margin, ``"value": null`` when withheld. The metadata carry,
under ``"disclosure"``, the rules and each dimension's code tree and scope so that an earlier
release can be audited against without any other source. Suppression reasons are never written:
knowing which cells are primary would point at the small counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.disclosure.model import (
    CountTable,
    Dimension,
    DisclosureRules,
    ReleaseTables,
    TableSpec,
)
from balise.disclosure.types import CellKey, JSONObject, SuppressionReason

__all__ = ["release_from_json", "release_to_json"]

DISCLOSURE_KEY = "disclosure"


def release_to_json(release: ReleaseTables) -> JSONObject:
    """The published form of a release: withheld cells as ``null``."""
    dimensions: dict[str, Any] = {}
    scopes: dict[str, Any] = {}
    tables = []
    for table in release.tables:
        spec = table.spec
        for dimension in spec.dimensions:
            dimensions[dimension.name] = dimension.to_json()
        if spec.scope:
            scopes[spec.name] = {v: sorted(codes) for v, codes in spec.scope.items()}
        cells = []
        for key in spec.cell_keys():
            cell: dict[str, Any] = dict(zip(spec.dimension_names, key, strict=True))
            cell["value"] = table.published(key)
            cells.append(cell)
        tables.append(
            {
                "name": spec.name,
                "unit": spec.unit,
                "dimensions": list(spec.dimension_names),
                "cells": cells,
            }
        )
    metadata = dict(release.metadata)
    metadata[DISCLOSURE_KEY] = {
        "rules": release.rules.to_json(),
        "dimensions": dimensions,
        "scopes": scopes,
    }
    return {"release": metadata, "tables": tables}


def release_from_json(data: Mapping[str, Any]) -> ReleaseTables:
    """Read a published release back: published values known, withheld cells ``None``."""
    metadata = dict(data["release"])
    schema = metadata.get(DISCLOSURE_KEY)
    if not isinstance(schema, Mapping):
        raise ValueError(f"release metadata lack {DISCLOSURE_KEY!r}: cannot rebuild its tables")
    catalogue = {
        name: Dimension.from_json(name, definition)
        for name, definition in schema["dimensions"].items()
    }
    tables = []
    for entry in data["tables"]:
        name = str(entry["name"])
        scope = {
            variable: frozenset(map(str, codes))
            for variable, codes in schema.get("scopes", {}).get(name, {}).items()
        }
        spec = TableSpec(
            name=name,
            unit=entry["unit"],
            dimensions=tuple(catalogue[d] for d in entry["dimensions"]),
            scope=scope,
        )
        values: dict[CellKey, int | None] = {}
        suppressed: dict[CellKey, SuppressionReason] = {}
        for cell in entry["cells"]:
            key = tuple(str(cell[d]) for d in spec.dimension_names)
            value = cell["value"]
            values[key] = None if value is None else int(value)
            if value is None:
                suppressed[key] = "unknown"
        missing = set(spec.cell_keys()) - set(values)
        if missing:
            raise ValueError(f"table {name!r} lacks cells, e.g. {sorted(missing)[0]}")
        tables.append(CountTable(spec=spec, values=values, suppressed=suppressed))
    rules = DisclosureRules.from_json(schema.get("rules", {}))
    return ReleaseTables(metadata=metadata, tables=tuple(tables), rules=rules)

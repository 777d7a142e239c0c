"""Tabulate microdata: situations counted once each, children counted once per cell.

Rows are situations in chronological order. For a ``children`` table the rows of one child
(same ``child_key``) become one record: single-valued variables and scope variables take the
value of the child's first situation (age, place and month at first detection), multi-valued
variables take every code seen (the sectors that know the child). That makes every child a single
finest cell, so each children cell is a sum of finest cells like any other.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from balise.disclosure.model import CountTable, Dimension, DisclosureRules, ReleaseTables, TableSpec
from balise.disclosure.types import CellKey, Code, Row

__all__ = ["build_release", "build_table", "child_records"]


def child_records(
    rows: Iterable[Row], *, child_key: str, multi_valued: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """One record per child: first situation's values, all codes of multi-valued variables."""
    multi = set(multi_valued)
    records: dict[object, dict[str, Any]] = {}
    for index, row in enumerate(rows):
        if child_key not in row:
            raise ValueError(f"row {index}: no {child_key!r} to count children by")
        child = row[child_key]
        record = records.get(child)
        if record is None:
            record = {k: v for k, v in row.items() if k not in multi}
            for variable in multi:
                record[variable] = set()
            records[child] = record
        for variable in multi:
            if variable in row:
                record[variable].update(_codes(row[variable]))
    for record in records.values():
        for variable in multi:
            record[variable] = frozenset(record[variable])
    return list(records.values())


def _codes(value: object) -> frozenset[Code]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, Iterable):
        return frozenset(str(v) for v in value)
    return frozenset({str(value)})


def _finest_value(record: Mapping[str, Any], dimension: Dimension, index: int) -> frozenset[Code]:
    if dimension.variable not in record:
        raise ValueError(f"row {index}: no value for {dimension.variable!r}")
    values = _codes(record[dimension.variable])
    if not values:
        raise ValueError(f"row {index}: no code for {dimension.variable!r}")
    if len(values) > 1 and not dimension.multi_valued:
        raise ValueError(f"row {index}: several codes for single-valued {dimension.variable!r}")
    unknown = values - dimension.universe
    if unknown:
        raise ValueError(
            f"row {index}: code {sorted(unknown)[0]!r} is not in the code list of "
            f"{dimension.name!r}"
        )
    return values


def _in_scope(record: Mapping[str, Any], scope: Mapping[str, frozenset[Code]]) -> bool:
    for variable, codes in scope.items():
        value = record.get(variable)
        if value is None or not (_codes(value) & codes):
            return False
    return True


def build_table(spec: TableSpec, rows: Sequence[Row], *, child_key: str = "child") -> CountTable:
    """Count ``rows`` into every cell of ``spec``, margins included."""
    if spec.unit == "children":
        multi = [d.variable for d in spec.dimensions if d.multi_valued]
        records: Sequence[Row] = child_records(rows, child_key=child_key, multi_valued=multi)
    else:
        if any(d.multi_valued for d in spec.dimensions):
            raise ValueError(f"table {spec.name!r}: situations have one code per variable")
        records = rows
    counts: dict[CellKey, int] = defaultdict(int)
    for index, record in enumerate(records):
        if not _in_scope(record, spec.scope):
            continue
        per_dimension = [
            d.codes_of(
                _finest_value(record, d, index) if d.multi_valued else _single(record, d, index)
            )
            for d in spec.dimensions
        ]
        for key in itertools.product(*per_dimension):
            counts[key] += 1
    values = {key: counts.get(key, 0) for key in spec.cell_keys()}
    return CountTable(spec=spec, values=values)


def _single(record: Mapping[str, Any], dimension: Dimension, index: int) -> Code:
    (value,) = _finest_value(record, dimension, index)
    return value


def build_release(
    specs: Sequence[TableSpec],
    rows: Sequence[Row],
    *,
    metadata: Mapping[str, Any] | None = None,
    rules: DisclosureRules | None = None,
    child_key: str = "child",
) -> ReleaseTables:
    """Tabulate every table of a would-be release from the same microdata (nothing withheld)."""
    tables = tuple(build_table(spec, rows, child_key=child_key) for spec in specs)
    return ReleaseTables(
        metadata=dict(metadata or {}), tables=tables, rules=rules or DisclosureRules()
    )

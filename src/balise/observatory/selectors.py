"""Dashboard queries over ``StatFact`` (pseudonymised: cluster ids, coarsened facts, bit masks).

Each breakdown is one SQL statement: a GROUP BY on an indexed small column, or, for the
multi-valued facts (forms, channels, places, signs, vulnerabilities), one pass that sums a bit
test per code. Column names come from the whitelists below, values are always parameters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import connection
from django.utils.translation import gettext_lazy as _

from balise.observatory.runs import MASKED, bit_positions
from balise.taxonomy.loader import vocabulary

TABLE: Final = "observatory_statfact"

# Breakdown name -> (column, vocabulary for labels or None, label).
SINGLE: Final[dict[str, tuple[str, str | None, Any]]] = {
    "year": ("year", None, _("Year")),
    "quarter": ("quarter", None, _("Quarter")),
    "sector": ("sector", "sectors", _("Sector")),
    "province": ("province", "geography", _("Province")),
    "arrondissement": ("arrondissement", "geography", _("Arrondissement")),
    "age_group": ("age_group", "age_groups", _("Age group")),
    "gender": ("gender", "genders", _("Gender")),
    "citizenship_group": ("citizenship_group", "citizenship_groups", _("Citizenship")),
    "unaccompanied": ("unaccompanied", None, _("Unaccompanied")),
}
# Breakdown name -> (mask column, vocabulary, label).
MULTI: Final[dict[str, tuple[str, str, Any]]] = {
    "forms": ("forms_mask", "forms", _("Form of exploitation")),
    "recruitment_channels": ("channels_mask", "recruitment_channels", _("Recruitment channel")),
    "places": ("places_mask", "places", _("Place")),
    "signs": ("signs_mask", "signs", _("Signs")),
    "vulnerabilities": ("vulnerabilities_mask", "vulnerabilities", _("Vulnerabilities")),
}
BREAKDOWNS: Final = (*SINGLE, *MULTI)
FILTER_COLUMNS: Final = (
    "year",
    "quarter",
    "sector",
    "province",
    "age_group",
    "gender",
    "citizenship_group",
    "unaccompanied",
)


@dataclass(frozen=True)
class Filters:
    values: Mapping[str, Any] = field(default_factory=dict)
    form: str = ""

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column in FILTER_COLUMNS:
            value = self.values.get(column)
            if value in (None, ""):
                continue
            clauses.append(f"{column} = %s")
            params.append(value)
        if self.form:
            bit = bit_positions("forms").get(self.form)
            if bit is not None:
                clauses.append("(forms_mask & %s) <> 0")
                params.append(1 << bit)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def as_dict(self) -> dict[str, Any]:
        found = {k: v for k, v in self.values.items() if v not in (None, "")}
        if self.form:
            found["form"] = self.form
        return found


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    situations: int
    children: int


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _label(vocabulary_name: str | None, code: Any, name: str) -> str:
    if name == "unaccompanied":
        return str(_("Yes") if code in (True, 1, "1", "true") else _("No"))
    if name == "quarter":
        return f"Q{code}"
    if vocabulary_name is None:
        return str(code)
    entry = vocabulary(vocabulary_name).get(str(code))
    if entry is None:
        return str(_("Unknown")) if code == "unknown" else str(code)
    return entry.label()


def totals(filters: Filters) -> dict[str, int]:
    """Situations, children, and children known to two or more sectors."""
    where, params = filters.where()
    situations, children = _fetch(
        f"SELECT COUNT(*), COUNT(DISTINCT cluster) FROM {TABLE}{where}",  # noqa: S608 - whitelisted
        params,
    )[0]
    (several,) = _fetch(
        f"SELECT COUNT(*) FROM (SELECT cluster FROM {TABLE}{where} "  # noqa: S608 - whitelisted
        "GROUP BY cluster HAVING COUNT(DISTINCT sector) >= 2) AS several",
        params,
    )[0]
    return {"situations": situations, "children": children, "multi_sector_children": several}


def breakdown(name: str, filters: Filters) -> list[Row]:
    """Situations and children per code of one breakdown (codes with no situation left out)."""
    where, params = filters.where()
    if name in SINGLE:
        column, vocab, _label_text = SINGLE[name]
        rows = _fetch(
            f"SELECT {column}, COUNT(*), COUNT(DISTINCT cluster) FROM {TABLE}{where} "  # noqa: S608
            f"GROUP BY {column} ORDER BY {column}",
            params,
        )
        out = [Row(str(code), _label(vocab, code, name), s, c) for code, s, c in rows]
        if vocab and name not in ("province", "arrondissement"):
            order = {e.code: i for i, e in enumerate(vocabulary(vocab))}
            out.sort(key=lambda r: order.get(r.code, len(order)))
        return out
    if name not in MULTI:
        raise ValueError(f"unknown breakdown {name!r}")
    column, vocab, _label_text = MULTI[name]
    positions = bit_positions(vocab)
    codes = list(positions)
    parts = []
    for code in codes:
        bit = 1 << positions[code]
        parts.append(f"SUM(CASE WHEN ({column} & {bit}) <> 0 THEN 1 ELSE 0 END)")
        parts.append(f"COUNT(DISTINCT CASE WHEN ({column} & {bit}) <> 0 THEN cluster END)")
    (values,) = _fetch(f"SELECT {', '.join(parts)} FROM {TABLE}{where}", params)  # noqa: S608
    out = []
    for index, code in enumerate(codes):
        situations, children = values[2 * index] or 0, values[2 * index + 1] or 0
        if situations:
            out.append(Row(code, _label(vocab, code, name), int(situations), int(children)))
    return out


def overlap(filters: Filters) -> tuple[list[str], dict[tuple[str, str], int]]:
    """Sector x sector: children known to both (the diagonal: children known to the sector)."""
    where, params = filters.where()
    pairs = _fetch(
        f"SELECT DISTINCT cluster, sector FROM {TABLE}{where}",  # noqa: S608 - whitelisted
        params,
    )
    by_child: dict[str, set[str]] = defaultdict(set)
    for cluster, sector in pairs:
        by_child[cluster].add(sector)
    matrix: dict[tuple[str, str], int] = defaultdict(int)
    for sectors in by_child.values():
        for a in sectors:
            for b in sectors:
                matrix[(a, b)] += 1
    order = [e.code for e in vocabulary("sectors")]
    present = sorted({s for s, _ in matrix}, key=lambda s: order.index(s) if s in order else 99)
    return present, dict(matrix)


def sector_label(code: str) -> str:
    return _label("sectors", code, "sector")


def choices(name: str) -> list[tuple[Any, str]]:
    """Filter choices from the facts present (years, quarters) or the dictionary."""
    if name == "year":
        years = _fetch(f"SELECT DISTINCT year FROM {TABLE} ORDER BY year", [])  # noqa: S608
        return [(y, str(y)) for (y,) in years]
    if name == "quarter":
        return [(q, f"Q{q}") for q in (1, 2, 3, 4)]
    if name == "unaccompanied":
        return [(1, str(_("Yes"))), (0, str(_("No")))]
    if name == "province":
        geography = vocabulary("geography")
        return [(e.code, e.label()) for e in geography if e.level == "province"] + [
            ("04000", geography.label("04000"))
        ]
    if name == "age_group":
        return [(e.code, e.label()) for e in vocabulary("age_groups") if e.group == "primero"] + [
            ("unknown", str(_("Unknown")))
        ]
    vocab = {"sector": "sectors", "gender": "genders", "citizenship_group": "citizenship_groups"}
    if name in vocab:
        return [(e.code, e.label()) for e in vocabulary(vocab[name]) if not e.retired]
    if name == "form":
        return [(e.code, e.label()) for e in vocabulary("forms") if not e.retired]
    raise ValueError(name)


__all__ = ["BREAKDOWNS", "MASKED", "Filters", "Row", "breakdown", "overlap", "totals"]

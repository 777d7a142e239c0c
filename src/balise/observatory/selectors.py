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

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from balise.observatory.facts import MASKS, bit_positions
from balise.observatory.models import LinkageRun, StatFact
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
# Breakdown name -> label, for the multi-valued facts (their columns: ``facts.MASKS``).
MULTI: Final[dict[str, Any]] = {
    "forms": _("Form of exploitation"),
    "recruitment_channels": _("Recruitment channel"),
    "places": _("Place"),
    "signs": _("Signs"),
    "vulnerabilities": _("Vulnerabilities"),
}
#: Situations and children by year and quarter ("2025-Q1"), in time order: the trend over time.
TREND: Final = "trend"
BREAKDOWNS: Final = (TREND, *SINGLE, *MULTI)
#: Breakdowns whose codes have a natural order (time, age): not sorted by value.
ORDERED: Final = frozenset({TREND, "year", "quarter", "age_group"})
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


# Grouping a million situations by child builds a hash table of a few tens of MB; PostgreSQL's
# default work_mem (4 MB) would spill it to disk. Raised for these read-only statements only.
ANALYTICS_WORK_MEM = "128MB"


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL work_mem = '{ANALYTICS_WORK_MEM}'")
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def code_of(name: str, code: Any) -> str:
    """A code as stored in figures. Booleans come back as True/False (PostgreSQL) or 1/0
    (SQLite), and as "True"/"1" from stored figures: "yes"/"no" whatever the source."""
    if name == "unaccompanied":
        return "yes" if str(code).lower() in ("true", "1", "yes", "t") else "no"
    return str(code)


def label_for(vocabulary_name: str | None, code: Any, name: str) -> str:
    if name == "unaccompanied":
        return str(_("Yes") if code_of(name, code) == "yes" else _("No"))
    if name == TREND:
        year, quarter = str(code).split("-Q")
        return f"{year} Q{quarter}"
    if name == "quarter":
        return f"Q{code}"
    if vocabulary_name is None:
        return str(code)
    entry = vocabulary(vocabulary_name).get(str(code))
    if entry is None:
        return str(_("Unknown")) if code == "unknown" else str(code)
    return entry.label()


def totals(filters: Filters) -> dict[str, int]:
    """Situations, children, and children known to two or more sectors (one pass per child)."""
    where, params = filters.where()
    situations, children, several = _fetch(
        "SELECT COALESCE(SUM(n), 0), COUNT(*), "  # noqa: S608 - whitelisted columns
        "COALESCE(SUM(CASE WHEN low <> high THEN 1 ELSE 0 END), 0) FROM "
        f"(SELECT child, COUNT(*) AS n, MIN(sector) AS low, MAX(sector) AS high FROM {TABLE}"
        f"{where} GROUP BY child) AS per_child",
        params,
    )[0]
    return {
        "situations": int(situations),
        "children": int(children),
        "multi_sector_children": int(several),
    }


def _bit_union(column: str) -> str:
    """An aggregate OR of a mask column: BIT_OR on PostgreSQL; SQLite lacks one."""
    if connection.vendor == "postgresql":
        return f"BIT_OR({column})"
    return ""


def breakdown(name: str, filters: Filters) -> list[Row]:
    """Situations and children per code of one breakdown (codes with no situation left out).

    Children are counted by grouping on (code, child) first and counting the groups: a hash
    aggregate over integers, where COUNT(DISTINCT) would sort every row.
    """
    where, params = filters.where()
    if name == TREND:
        rows = _fetch(
            "SELECT year, quarter, SUM(n), COUNT(*) FROM (SELECT year, quarter, child, "  # noqa: S608
            f"COUNT(*) AS n FROM {TABLE}{where} GROUP BY year, quarter, child) AS per_child "
            "GROUP BY year, quarter ORDER BY year, quarter",
            params,
        )
        return [
            Row(f"{y}-Q{q}", label_for(None, f"{y}-Q{q}", TREND), int(s), int(c))
            for y, q, s, c in rows
        ]
    if name in SINGLE:
        column, vocab, _label_text = SINGLE[name]
        rows = _fetch(
            f"SELECT {column}, SUM(n), COUNT(*) FROM (SELECT {column}, child, COUNT(*) AS n "  # noqa: S608
            f"FROM {TABLE}{where} GROUP BY {column}, child) AS per_child "
            f"GROUP BY {column} ORDER BY {column}",
            params,
        )
        out = [
            Row(code_of(name, code), label_for(vocab, code, name), int(s), int(c))
            for code, s, c in rows
        ]
        if vocab and name not in ("province", "arrondissement"):
            order = {e.code: i for i, e in enumerate(vocabulary(vocab))}
            out.sort(key=lambda r: order.get(r.code, len(order)))
        return out
    if name not in MULTI:
        raise ValueError(f"unknown breakdown {name!r}")
    column, vocab = MASKS[name].column, MASKS[name].vocabulary
    positions = bit_positions(vocab)
    codes = list(positions)
    bits = [1 << positions[code] for code in codes]
    situation_sums = ", ".join(
        f"SUM(CASE WHEN ({column} & {b}) <> 0 THEN 1 ELSE 0 END)" for b in bits
    )
    (situations,) = _fetch(f"SELECT {situation_sums} FROM {TABLE}{where}", params)  # noqa: S608
    union = _bit_union(column)
    if union:
        inner = f"SELECT {union} AS m FROM {TABLE}{where} GROUP BY child"  # noqa: S608 - whitelisted
        child_sums = ", ".join(f"SUM(CASE WHEN (m & {b}) <> 0 THEN 1 ELSE 0 END)" for b in bits)
    else:
        inner = (
            "SELECT "  # noqa: S608 - whitelisted columns, integer bits
            + ", ".join(f"MAX({column} & {b}) AS b{i}" for i, b in enumerate(bits))
            + f" FROM {TABLE}{where} GROUP BY child"
        )
        child_sums = ", ".join(
            f"SUM(CASE WHEN b{i} <> 0 THEN 1 ELSE 0 END)" for i in range(len(bits))
        )
    (children,) = _fetch(f"SELECT {child_sums} FROM ({inner}) AS per_child", params)  # noqa: S608
    out = []
    for index, code in enumerate(codes):
        count = int(situations[index] or 0)
        if count:
            out.append(Row(code, label_for(vocab, code, name), count, int(children[index] or 0)))
    return out


def overlap(filters: Filters) -> tuple[list[str], dict[tuple[str, str], int]]:
    """Sector x sector: children known to both (the diagonal: children known to the sector).

    Each child's set of sectors becomes a bit mask (sum of its distinct sector bits); the
    database returns how many children hold each mask, at most 2^k rows.
    """
    where, params = filters.where()
    masks = _fetch(
        "SELECT mask, COUNT(*) FROM (SELECT child, SUM(sector_bit) AS mask FROM "  # noqa: S608
        f"(SELECT child, sector_bit FROM {TABLE}{where} GROUP BY child, sector_bit) AS pairs "
        "GROUP BY child) AS per_child GROUP BY mask",
        params,
    )
    positions = bit_positions("sectors")
    matrix: dict[tuple[str, str], int] = defaultdict(int)
    for mask, count in masks:
        held = [code for code, bit in positions.items() if int(mask) & (1 << bit)]
        for a in held:
            for b in held:
                matrix[(a, b)] += int(count)
    order = list(positions)
    present = sorted({s for s, _ in matrix}, key=order.index)
    return present, dict(matrix)


def sector_label(code: str) -> str:
    return label_for("sectors", code, "sector")


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


def label_of(name: str) -> Any:
    """The translated title of a breakdown."""
    if name == TREND:
        return _("Trend by quarter")
    return SINGLE[name][2] if name in SINGLE else MULTI[name]


# --- linkage runs -------------------------------------------------------------------------


def latest_run() -> LinkageRun | None:
    return LinkageRun.objects.filter(status=LinkageRun.Status.SUCCEEDED).order_by("-pk").first()


def removed_since(run: LinkageRun | None) -> int:
    """Situations deleted (purged) since ``run``: their facts left with them (foreign key)."""
    if run is None:
        return 0
    return max(0, run.situations - StatFact.objects.count())


def is_stale(run: LinkageRun | None) -> bool:
    """Whether situations changed after ``run`` (or there is no run at all)."""
    from django.db.models import Count, Max

    from balise.situations.models import Situation

    if run is None:
        return True
    newest = Situation.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
    if newest["count"] != run.situations:
        return True
    return bool(newest["latest"] and newest["latest"] > run.started_at)


def children_interval(run: LinkageRun) -> dict[str, Any] | None:
    """The run's number of children and its 90% interval, as the engine read them from the
    run's own encodings (`balise.linkage.interval`, docs/linkage.md §5)."""
    children = run.quality.get("children")
    if not children:
        return None
    return {key: children[key] for key in ("estimate", "low", "high", "coverage", "method")}


__all__ = [
    "BREAKDOWNS",
    "Filters",
    "Row",
    "breakdown",
    "children_interval",
    "is_stale",
    "latest_run",
    "overlap",
    "removed_since",
    "totals",
]

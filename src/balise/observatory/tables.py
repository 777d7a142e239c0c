"""The standard tables of a release, described for ``balise.disclosure``, and their microdata.

Microdata rows come from ``StatFact`` (the last linkage run), in chronological order so that a
child's single-valued facts are those of their first situation in the period. Finest codes are
the dictionary's codes (age in years, arrondissement); the tables' dimensions group them (age
bands, provinces), which is what lets the engine protect tables of different granularity, and
releases of different years (the ``year`` scope), together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.utils.translation import gettext_lazy as _

from balise.disclosure import Dimension, TableSpec
from balise.disclosure.types import Unit
from balise.observatory.models import StatFact
from balise.taxonomy.loader import vocabulary

UNKNOWN_AGE: Final = "unknown"
AGES: Final = tuple(str(age) for age in range(18))
GEOGRAPHIES: Final = ("region", "province", "arrondissement")
AGE_BANDS: Final = ("primero", "fine")
#: Category sets: "grouped" shows forms of exploitation by their Eurostat group (sexual, other),
#: where most of the seven fine forms hold a handful of children a year; "detailed" every form.
CATEGORIES: Final = ("grouped", "detailed")
#: Below this many children in the year, the drafts' default categories are the grouped ones.
GROUPED_BELOW: Final = 1000


def default_categories(children: int) -> str:
    """The categories a draft starts with for a year of ``children`` children."""
    return "grouped" if children < GROUPED_BELOW else "detailed"


@dataclass(frozen=True)
class TableChoice:
    key: str
    label: Any
    unit: str


# Children tables count linkage clusters; each child is classified by their first situation of
# the year. Sector is a situations table: a children-by-sector table is multi-valued (a child known
# to three sectors counts under each), and crossing its 2^k sector combinations with the other
# children tables makes the exact integer-programming audit too slow for an interactive release;
# the sector overlap is shown to analysts instead (docs/statistics-methodology.md).
STANDARD_TABLES: Final = (
    TableChoice("children_by_form", _("Children by form of exploitation"), "children"),
    TableChoice("children_by_gender_age", _("Children by gender and age group"), "children"),
    TableChoice(
        "children_by_citizenship_unaccompanied",
        _("Children by citizenship and unaccompanied status"),
        "children",
    ),
    TableChoice(
        "eurostat_thb",
        _("Eurostat THB: children by sex, citizenship group and form of exploitation"),
        "children",
    ),
    TableChoice("situations_by_sector", _("Situations by sector"), "situations"),
    TableChoice("situations_by_geography", _("Situations by place of detection"), "situations"),
)
TABLE_KEYS: Final = tuple(t.key for t in STANDARD_TABLES)
TABLE_LABELS: Final = {t.key: t.label for t in STANDARD_TABLES}


def _codes(name: str) -> list[str]:
    return [e.code for e in vocabulary(name)]


def sector_single_dimension() -> Dimension:
    return Dimension.flat("sector", _codes("sectors"))


def form_dimension() -> Dimension:
    return Dimension.flat("form", _codes("forms"))


def eurostat_form_dimension() -> Dimension:
    groups: dict[str, list[str]] = {}
    for entry in vocabulary("forms"):
        groups.setdefault(str(entry.mappings.get("eurostat_thb") or "other"), []).append(entry.code)
    return Dimension.grouped("eurostat_form", groups, variable="form")


def gender_dimension() -> Dimension:
    return Dimension.flat("gender", _codes("genders"))


def eurostat_sex_dimension() -> Dimension:
    groups: dict[str, list[str]] = {}
    for entry in vocabulary("genders"):
        groups.setdefault(str(entry.mappings.get("eurostat_sex") or "unknown"), []).append(
            entry.code
        )
    return Dimension.grouped("sex", groups, variable="gender")


def age_dimension(scheme: str) -> Dimension:
    groups: dict[str, list[str]] = {}
    for entry in vocabulary("age_groups"):
        if entry.group == scheme:
            groups[entry.code] = [str(a) for a in range(entry.raw["min"], entry.raw["max"] + 1)]
    groups[UNKNOWN_AGE] = [UNKNOWN_AGE]
    return Dimension.grouped("age_group", groups, variable="age")


def child_dimension() -> Dimension:
    return Dimension.grouped("age", {"child": [*AGES, UNKNOWN_AGE]}, variable="age")


def citizenship_dimension() -> Dimension:
    return Dimension.flat("citizenship_group", _codes("citizenship_groups"))


def eurostat_citizenship_dimension() -> Dimension:
    groups: dict[str, list[str]] = {}
    for entry in vocabulary("citizenship_groups"):
        groups.setdefault(str(entry.mappings.get("eurostat_thb") or "unknown"), []).append(
            entry.code
        )
    return Dimension.grouped("citizenship", groups, variable="citizenship_group")


def unaccompanied_dimension() -> Dimension:
    return Dimension.flat("unaccompanied", ["yes", "no"])


def geography_dimension(level: str) -> Dimension:
    geography = vocabulary("geography")
    arrondissements = [e for e in geography if e.level == "arrondissement"]
    if level == "arrondissement":
        return Dimension.flat("arrondissement", [e.code for e in arrondissements])
    groups: dict[str, list[str]] = {}
    for entry in arrondissements:
        node = entry
        while node.level != level and node.parent:
            parent = geography.get(node.parent)
            if parent is None:
                break
            node = parent
            if node.level == "region" and level == "province":
                break  # Brussels has no province: its region stands in
        groups.setdefault(node.code, []).append(entry.code)
    return Dimension.grouped(level, groups, variable="arrondissement")


def table_specs(
    *,
    period: int,
    tables: Sequence[str] = TABLE_KEYS,
    geography: str = "province",
    age_bands: str = "primero",
    years: int = 1,
    categories: str = "detailed",
) -> list[TableSpec]:
    """The chosen standard tables for ``period`` (the last year of ``years``), in order.

    With grouped ``categories`` the children-by-form table shows Eurostat's groups of forms.
    """
    if geography not in GEOGRAPHIES:
        raise ValueError(f"unknown geography {geography!r}")
    if age_bands not in AGE_BANDS:
        raise ValueError(f"unknown age bands {age_bands!r}")
    if categories not in CATEGORIES:
        raise ValueError(f"unknown categories {categories!r}")
    grouped = categories == "grouped"
    scope = {"year": frozenset(str(y) for y in range(period - years + 1, period + 1))}
    builders: dict[str, Callable[[], tuple[Unit, tuple[Dimension, ...]]]] = {
        "children_by_form": lambda: (
            "children",
            (eurostat_form_dimension() if grouped else form_dimension(),),
        ),
        "children_by_gender_age": lambda: (
            "children",
            (gender_dimension(), age_dimension(age_bands)),
        ),
        "situations_by_geography": lambda: ("situations", (geography_dimension(geography),)),
        "situations_by_sector": lambda: ("situations", (sector_single_dimension(),)),
        "children_by_citizenship_unaccompanied": lambda: (
            "children",
            (citizenship_dimension(), unaccompanied_dimension()),
        ),
        "eurostat_thb": lambda: (
            "children",
            (
                eurostat_sex_dimension(),
                child_dimension(),
                eurostat_citizenship_dimension(),
                eurostat_form_dimension(),
            ),
        ),
    }
    specs = []
    for key in TABLE_KEYS:
        if key in tables:
            unit, dimensions = builders[key]()
            specs.append(TableSpec(name=key, unit=unit, dimensions=dimensions, scope=scope))
    return specs


def period_rows(period: int, years: int = 1) -> list[dict[str, Any]]:
    """Microdata of the ``years`` ending with ``period``, chronological: one row per situation,
    keyed by child cluster (``child``) and by situation (``record``, for cell keys)."""
    facts = (
        StatFact.objects.filter(year__gte=period - years + 1, year__lte=period)
        .order_by("month", "situation_id")
        .values_list(
            "situation_id",
            "year",
            "cluster",
            "sector",
            "gender",
            "age_years",
            "citizenship_group",
            "unaccompanied",
            "main_form",
            "arrondissement",
            named=True,
        )
    )
    return [
        {
            "record": fact.situation_id,
            "child": fact.cluster,
            "sector": fact.sector,
            "gender": fact.gender,
            "age": UNKNOWN_AGE if fact.age_years is None else str(fact.age_years),
            "citizenship_group": fact.citizenship_group,
            "unaccompanied": "yes" if fact.unaccompanied else "no",
            "form": fact.main_form,
            "arrondissement": fact.arrondissement,
            "year": str(fact.year),
        }
        for fact in facts.iterator(chunk_size=5000)
    ]


def coarser_alternatives(spec: TableSpec) -> dict[str, list[Dimension]]:
    """Coarser views on offer for a table: province/region for arrondissement, wider bands."""
    out: dict[str, list[Dimension]] = {}
    for dimension in spec.dimensions:
        if dimension.variable == "arrondissement":
            order = list(GEOGRAPHIES)[::-1]  # arrondissement, province, region
            if dimension.name in order:
                coarser = order[order.index(dimension.name) + 1 :]
                if coarser:
                    out[dimension.name] = [geography_dimension(level) for level in coarser]
        elif dimension.name == "age_group" and dimension.leaves != age_dimension("primero").leaves:
            out[dimension.name] = [age_dimension("primero")]
    return out

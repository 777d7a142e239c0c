"""The pseudonymised facts table (``StatFact``): the situation fields a fact is made of, the
multi-valued facts stored as bit masks (their columns and bit positions), and one fact built
from named values. Linkage runs write facts through here; dashboards and releases read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, NamedTuple

from balise.observatory.models import StatFact
from balise.taxonomy.loader import age_group_for, vocabulary

#: A mask column holds at most 63 bits; a code outside the dictionary takes this bit.
UNKNOWN_BIT: Final = 62


@dataclass(frozen=True)
class FactMask:
    """A multi-valued situation field kept as a bit mask: one bit per dictionary code."""

    column: str  # the StatFact column
    vocabulary: str  # the dictionary whose file order gives each code its bit


#: Situation field -> its mask. Field, breakdown and dictionary share the name.
MASKS: Final[Mapping[str, FactMask]] = {
    "forms": FactMask("forms_mask", "forms"),
    "recruitment_channels": FactMask("channels_mask", "recruitment_channels"),
    "places": FactMask("places_mask", "places"),
    "vulnerabilities": FactMask("vulnerabilities_mask", "vulnerabilities"),
    "signs": FactMask("signs_mask", "signs"),
}


class FactSource(NamedTuple):
    """What a fact is made of: one situation's fields, no identity, note or reference."""

    situation_id: int
    sector: str
    detection_month: date
    arrondissement: str
    age_years: int | None
    gender: str
    citizenship_group: str
    unaccompanied: bool
    status: str
    forms: list[str]
    recruitment_channels: list[str]
    places: list[str]
    vulnerabilities: list[str]
    signs: list[str]


#: FactSource field -> the Situation lookup it is read from (the others share the name).
_LOOKUPS: Final = {"situation_id": "pk", "sector": "organisation__sector"}
#: The Situation lookups a fact is read from, in FactSource's order.
SOURCE_LOOKUPS: Final = tuple(_LOOKUPS.get(name, name) for name in FactSource._fields)


def source_of(row: Any) -> FactSource:
    """A FactSource from a named row of ``Situation.objects.values_list(..., named=True)``."""
    return FactSource(
        **{name: getattr(row, _LOOKUPS.get(name, name)) for name in FactSource._fields}
    )


def bit_positions(vocabulary_name: str) -> dict[str, int]:
    """Code -> bit of the mask column (file order, retired codes included, so bits never move)."""
    codes = [entry.code for entry in vocabulary(vocabulary_name)]
    if len(codes) > UNKNOWN_BIT:
        raise ValueError(f"{vocabulary_name} has too many codes for a 63-bit mask")
    return {code: index for index, code in enumerate(codes)}


def mask_of(codes: Iterable[str], positions: Mapping[str, int]) -> int:
    mask = 0
    for code in codes:
        if code in positions:
            mask |= 1 << positions[code]
    return mask


def province_of(arrondissement: str) -> str:
    """The province NIS code (Brussels, which has none, gives its region code)."""
    geography = vocabulary("geography")
    entry = geography.get(arrondissement)
    while entry is not None and entry.level == "arrondissement" and entry.parent:
        entry = geography.get(entry.parent)
    return entry.code if entry is not None else arrondissement


@dataclass(frozen=True)
class Positions:
    """The bit of every code of the mask fields and of the sectors, read once per run."""

    masks: Mapping[str, Mapping[str, int]]
    sectors: Mapping[str, int]

    @classmethod
    def load(cls) -> Positions:
        return cls(
            masks={name: bit_positions(mask.vocabulary) for name, mask in MASKS.items()},
            sectors=bit_positions("sectors"),
        )


def fact_from(source: FactSource, *, cluster: str, child: int, positions: Positions) -> StatFact:
    """The fact of one situation, in the child cluster ``cluster`` (numbered ``child``)."""
    month = source.detection_month
    age = source.age_years
    group = age_group_for(age) if age is not None else None
    masks = {
        mask.column: mask_of(getattr(source, name) or [], positions.masks[name])
        for name, mask in MASKS.items()
    }
    return StatFact(
        situation_id=source.situation_id,
        cluster=cluster,
        child=child,
        sector=source.sector,
        sector_bit=1 << positions.sectors.get(source.sector, UNKNOWN_BIT),
        year=month.year,
        quarter=(month.month - 1) // 3 + 1,
        month=month,
        arrondissement=source.arrondissement,
        province=province_of(source.arrondissement),
        age_years=age,
        age_group=group or "unknown",
        gender=source.gender,
        citizenship_group=source.citizenship_group,
        unaccompanied=bool(source.unaccompanied),
        status=source.status,
        main_form=(source.forms or ["other"])[0],
        **masks,
    )


__all__ = [
    "MASKS",
    "SOURCE_LOOKUPS",
    "FactMask",
    "FactSource",
    "Positions",
    "bit_positions",
    "fact_from",
    "mask_of",
    "province_of",
    "source_of",
]

"""Where to refer a child, by postcode or administrative arrondissement (data/services.json).

A postcode gives the province (bpost's numbering); a province with one youth aid division
(Brussels, Walloon Brabant) or one Flemish centre answers at once, the others need the
arrondissement. The answer names the services and links the official directories that keep their
addresses and numbers; no number is stored here, so none goes stale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from balise.taxonomy.loader import active_language, load

DATA: Final = Path(__file__).with_name("data") / "services.json"
_POSTCODE: Final = re.compile(r"^\s*(?:B-?\s*)?(\d{4})\s*$", re.IGNORECASE)


@cache
def _data() -> Mapping[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        document: Mapping[str, Any] = json.load(handle)
    return document


def sources() -> list[Mapping[str, str]]:
    return list(_data()["sources"])


def directories() -> Mapping[str, str]:
    return dict(_data()["directories"])


def province_of_postcode(postcode: str) -> str | None:
    """The NIS code of the province (or the Brussels region) of a Belgian postcode, or None."""
    match = _POSTCODE.match(postcode)
    if not match:
        return None
    number = int(match[1])
    for entry in _data()["postcode_ranges"]:
        if entry["from"] <= number <= entry["to"]:
            return str(entry["province"])
    return None


def arrondissements_of(province: str) -> list[str]:
    """The administrative arrondissements (NIS codes) of a province, or of the Brussels region."""
    geography = load()["geography"]
    return [
        entry.code
        for entry in geography
        if entry.level == "arrondissement"
        and not entry.retired
        and (
            entry.parent == province
            or (entry.parent is None and entry.raw.get("region") == province)
        )
    ]


@dataclass(frozen=True)
class Referral:
    """The services for one arrondissement, with labels in the reader's language."""

    arrondissement: str
    arrondissement_label: str
    saj_division: str = ""  # label of the SAJ/SPJ division (French Community), "" outside it
    flemish_centre: str = ""  # label of the Vertrouwenscentrum Kindermishandeling's province
    judicial_arrondissement: str = ""
    approximate: bool = False  # some communes of this arrondissement belong to another division
    german_speaking: bool = False  # the arrondissement holds the German-speaking Community
    directories: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """What a search found: one referral, or the arrondissements to choose from, or nothing."""

    province: str = ""
    province_label: str = ""
    referral: Referral | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    unknown: bool = False


def referral_for(arrondissement: str, language: str | None = None) -> Referral | None:
    entry = _data()["arrondissements"].get(arrondissement)
    if entry is None:
        return None
    language = active_language(language)
    data = _data()
    geography = load()["geography"]

    def label(table: str, key: str | None) -> str:
        return str(data[table][key][language]) if key else ""

    return Referral(
        arrondissement=arrondissement,
        arrondissement_label=geography.label(arrondissement, language),
        saj_division=label("saj_divisions", entry.get("saj")),
        flemish_centre=label("flemish_vk", entry.get("flemish_vk")),
        judicial_arrondissement=label("judicial_arrondissements", entry.get("judicial")),
        approximate=bool(entry.get("approximate")),
        german_speaking=bool(entry.get("german_speaking")),
        directories=directories(),
    )


def find(*, postcode: str = "", arrondissement: str = "", language: str | None = None) -> Finding:
    """The referral for an arrondissement, else for a postcode when its province decides it."""
    language = active_language(language)
    geography = load()["geography"]
    if arrondissement:
        referral = referral_for(arrondissement, language)
        return Finding(referral=referral, unknown=referral is None)
    province = province_of_postcode(postcode)
    if province is None:
        return Finding(unknown=True)
    candidates = arrondissements_of(province)
    destinations = {
        (entry.get("saj"), entry.get("flemish_vk"), entry.get("judicial"))
        for code in candidates
        if (entry := _data()["arrondissements"].get(code)) is not None
    }
    finding = Finding(province=province, province_label=geography.label(province, language))
    if len(candidates) == 1 or len(destinations) == 1:
        return Finding(
            province=finding.province,
            province_label=finding.province_label,
            referral=referral_for(candidates[0], language),
        )
    return Finding(
        province=finding.province,
        province_label=finding.province_label,
        choices=[(code, geography.label(code, language)) for code in candidates],
    )


def arrondissement_choices(language: str | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every arrondissement of the data file, grouped by province (or region), for a select."""
    language = active_language(language)
    geography = load()["geography"]
    groups: dict[str, list[tuple[str, str]]] = {}
    for entry in geography:
        if entry.level != "arrondissement" or entry.retired:
            continue
        parent = entry.parent or str(entry.raw.get("region", ""))
        groups.setdefault(parent, []).append((entry.code, entry.label(language)))
    return [(geography.label(parent, language), items) for parent, items in groups.items()]

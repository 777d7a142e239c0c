"""List filters (month range, form, status, gender, age group, reference search)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import QueryDict

from balise.situations.models import SituationQuerySet
from balise.taxonomy.loader import load

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# The age bands the list offers: the finer scheme (under 12, 12-13, 14-15, 16-17).
LIST_AGE_SCHEME = "fine"


@dataclass(frozen=True)
class Filters:
    month_from: date | None = None
    month_to: date | None = None
    form: str = ""
    status: str = ""
    gender: str = ""
    age_group: str = ""
    q: str = ""


def _month(text: str | None) -> date | None:
    match = _MONTH.match(text or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def _code(vocabulary: str, text: str | None) -> str:
    """A valid code of ``vocabulary`` or "" (unknown values are ignored, not errors)."""
    return text if text and text in load()[vocabulary] else ""


def parse_filters(query: QueryDict) -> Filters:
    return Filters(
        month_from=_month(query.get("month_from")),
        month_to=_month(query.get("month_to")),
        form=_code("forms", query.get("form")),
        status=_code("statuses", query.get("status")),
        gender=_code("genders", query.get("gender")),
        age_group=_code("age_groups", query.get("age_group")),
        q=(query.get("q") or "").strip()[:64],
    )


def apply_filters(situations: SituationQuerySet, filters: Filters) -> SituationQuerySet:
    if filters.month_from:
        situations = situations.filter(detection_month__gte=filters.month_from)
    if filters.month_to:
        situations = situations.filter(detection_month__lte=filters.month_to)
    if filters.form:
        # Codes are snake_case words, so the quoted code matches one list element exactly;
        # this text match runs the same on SQLite and PostgreSQL.
        situations = situations.filter(forms__icontains=f'"{filters.form}"')
    if filters.status:
        situations = situations.filter(status=filters.status)
    if filters.gender:
        situations = situations.filter(gender=filters.gender)
    if filters.age_group:
        entry = load()["age_groups"].entry(filters.age_group)
        situations = situations.filter(
            age_years__gte=entry.raw["min"], age_years__lte=entry.raw["max"]
        )
    if filters.q:
        situations = situations.filter(reference__icontains=filters.q)
    return situations


def filter_form(filters: Filters) -> dict[str, Any]:
    dictionary = load()
    return {
        "values": filters,
        "month_from": filters.month_from.strftime("%Y-%m") if filters.month_from else "",
        "month_to": filters.month_to.strftime("%Y-%m") if filters.month_to else "",
        "forms": dictionary["forms"].choices(),
        "statuses": dictionary["statuses"].choices(),
        "genders": dictionary["genders"].choices(),
        # One scheme of bands, so no two choices overlap; codes of the other scheme in a link
        # still filter (``parse_filters`` accepts every code).
        "age_groups": [
            (entry.code, entry.label())
            for entry in dictionary["age_groups"]
            if entry.group == LIST_AGE_SCHEME and not entry.retired
        ],
    }

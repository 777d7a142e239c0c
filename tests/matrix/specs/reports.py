"""Access specs of finances (administrators), the team and activity reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from balise.reports.models import FinanceLine, FinancialYear, TeamMember
from tests.conftest import Personas
from tests.matrix.harness import ADMINS, EDITORS, EVERYONE, UrlSpec


def _year(p: Personas) -> dict[str, Any]:
    FinancialYear.objects.get_or_create(year=2025)
    return {"year": 2025}


def _closed_year(p: Personas) -> dict[str, Any]:
    FinancialYear.objects.update_or_create(year=2024, defaults={"status": "closed"})
    return {"year": 2024}


def _line(p: Personas) -> dict[str, Any]:
    fy, _created = FinancialYear.objects.get_or_create(year=2025)
    line = FinanceLine.objects.create(year=fy, category="subsidies", amount=Decimal("10.00"))
    return {"pk": line.pk}


SPECS = [
    UrlSpec("reports:finances", {"GET": ADMINS, "POST": ADMINS}, data=lambda p: {"year": 2025}),
    UrlSpec(
        "reports:subcategories",
        {"GET": ADMINS, "POST": ADMINS},
        data=lambda p: {"category": "subsidies", "code": "fwb", "name_fr": "FWB", "name_nl": "FWB"},
    ),
    UrlSpec("reports:finance_year", {"GET": ADMINS}, kwargs=_year),
    UrlSpec(
        "reports:finance_line_add",
        {"POST": ADMINS},
        kwargs=_year,
        data=lambda p: {"kind": "actual", "category": "subsidies", "amount": "1.234,56"},
    ),
    UrlSpec("reports:finance_line_delete", {"POST": ADMINS}, kwargs=_line),
    UrlSpec(
        "reports:finance_import",
        {"GET": ADMINS, "POST": ADMINS},
        kwargs=_year,
        data=lambda p: {
            "kind": "budget",
            "file": SimpleUploadedFile("b.csv", "Catégorie;Montant\nSubsides;1.000,00\n".encode()),
        },
    ),
    UrlSpec("reports:finance_close", {"POST": ADMINS}, kwargs=_year),
    UrlSpec(
        "reports:finance_reopen",
        {"POST": ADMINS},
        kwargs=_closed_year,
        data=lambda p: {"reason": "correction"},
    ),
]


def _member(p: Personas) -> dict[str, Any]:
    from datetime import date

    member = TeamMember.objects.create(
        name="Ana", role_fr="Chargée", role_nl="Medewerker", start_date=date(2020, 1, 1)
    )
    return {"pk": member.pk}


def _member_with_photo(p: Personas) -> dict[str, Any]:
    from datetime import date

    member = TeamMember.objects.create(
        name="Ana",
        role_fr="Chargée",
        role_nl="Medewerker",
        start_date=date(2020, 1, 1),
        photo=b"\x89PNG\r\n\x1a\n",
        photo_type="image/png",
        photo_consent_at=timezone.now(),
    )
    return {"pk": member.pk}


MEMBER = {
    "name": "Ana",
    "group": "team",
    "role_fr": "Chargée",
    "role_nl": "Medewerker",
    "languages": "fr",
    "start_date": "2020-01-01",
    "order": "1",
}

SPECS += [
    UrlSpec("reports:team", {"GET": EVERYONE}),
    UrlSpec("reports:team_photo", {"GET": EVERYONE}, kwargs=_member_with_photo),
    UrlSpec("reports:team_manage", {"GET": EDITORS | ADMINS}),
    UrlSpec(
        "reports:team_member_new",
        {"GET": EDITORS | ADMINS, "POST": EDITORS | ADMINS},
        data=lambda p: MEMBER,
    ),
    UrlSpec(
        "reports:team_member_edit",
        {"GET": EDITORS | ADMINS, "POST": EDITORS | ADMINS},
        kwargs=_member,
        data=lambda p: MEMBER,
    ),
    UrlSpec(
        "reports:team_member_photo",
        {"POST": EDITORS | ADMINS},
        kwargs=_member,
        data=lambda p: {"remove": "1"},
    ),
]

"""Access specs of finances (administrators), the team and activity reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from balise.reports.figures import build_figures
from balise.reports.models import (
    ActivityReport,
    FinanceLine,
    FinancialYear,
    ReportPdf,
    ReportSection,
    ReportVersion,
    TeamMember,
)
from balise.reports.report_services import report_content
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


def _report(p: Personas) -> dict[str, Any]:
    report = ActivityReport.objects.create(
        start_year=2024,
        end_year=2025,
        title_fr="Rapport",
        title_nl="Verslag",
        publisher_name="ASBL",
        created_by=p.editor,
    )
    return {"pk": report.pk}


def _section(p: Personas) -> dict[str, Any]:
    pk = _report(p)["pk"]
    section = ReportSection.objects.create(report_id=pk, heading_fr="Intro", heading_nl="Intro")
    return {"pk": pk, "section_pk": section.pk}


def _frozen(p: Personas) -> dict[str, Any]:
    pk = _report(p)["pk"]
    report = ActivityReport.objects.get(pk=pk)
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        content=report_content(report, build_figures(2024, 2025)),
        content_sha256="0" * 64,
        frozen_by=p.editor,
    )
    ReportPdf.objects.create(version=version, language="fr", content=b"%PDF-1.7")
    ReportPdf.objects.create(version=version, language="en", content=b"%PDF-1.7")
    return {"pk": pk}


REPORT = {
    "start_year": "2024",
    "end_year": "2025",
    "title_fr": "Rapport",
    "title_nl": "Verslag",
    "title_en": "",
    "publisher_name": "ASBL",
    "publisher_details": "",
}
SECTION = {"order": "10", "heading_fr": "Intro", "heading_nl": "Intro", "body_fr": "Texte"}

SPECS += [
    UrlSpec("reports:report_list", {"GET": EDITORS, "POST": EDITORS}, data=lambda p: REPORT),
    UrlSpec(
        "reports:report_edit",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=_report,
        data=lambda p: REPORT,
    ),
    UrlSpec(
        "reports:section_new",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=_report,
        data=lambda p: SECTION,
    ),
    UrlSpec(
        "reports:section_edit",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=_section,
        data=lambda p: SECTION,
    ),
    UrlSpec("reports:section_delete", {"POST": EDITORS}, kwargs=_section),
    UrlSpec("reports:report_regenerate", {"POST": EDITORS}, kwargs=_report),
    UrlSpec("reports:report_freeze", {"POST": EDITORS}, kwargs=_report),
    UrlSpec("reports:public_list", {"GET": EVERYONE}),
    UrlSpec("reports:public_detail", {"GET": EVERYONE}, kwargs=_frozen),
    UrlSpec("reports:public_pdf", {"GET": EVERYONE}, kwargs=_frozen),
]

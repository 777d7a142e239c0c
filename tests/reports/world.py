"""A small world for activity-report tests: three years of finances, a team, trainings, releases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from balise.observatory.models import Release
from balise.reports.models import ActivityReport, FinanceLine, FinancialYear, Subcategory
from balise.reports.report_services import report_save, section_save
from balise.reports.services import team_member_save
from tests.conftest import Personas
from tests.training.factories import at, make_course, make_registration, make_session

LINES = {
    2022: [("subsidies", "fwb", "40000.00"), ("remuneration", "", "38000.00")],
    2023: [
        ("subsidies", "fwb", "90000.00"),
        ("subsidies", "federal", "12500.50"),
        ("gifts_legacies", "private_donors", "3210.99"),
        ("membership_fees", "", "450.00"),
        ("remuneration", "", "84000.00"),
        ("misc_goods_services", "", "15432.10"),
    ],
    2024: [
        ("subsidies", "fwb", "95000.00"),
        ("gifts_legacies", "foundations", "10000.00"),
        ("remuneration", "", "88000.00"),
        ("goods_services", "", "1999.99"),
    ],
    2025: [
        ("subsidies", "fwb", "99000.00"),
        ("subsidies", "federal", "15000.00"),
        ("other_income", "", "1234.56"),
        ("remuneration", "", "101000.00"),
        ("other_expenses", "", "2500.00"),
    ],
}


def release_content(
    period: int, children: dict[str, int | None], sectors: dict[str, int]
) -> dict[str, Any]:
    """A published release's JSON (the contract of docs/observatory.md), with its margins."""
    total = sum(v for v in children.values() if v is not None) + 7  # withheld ones count too
    return {
        "release": {"title": f"Statistics {period}", "period": period},
        "tables": [
            {
                "name": "children_by_form",
                "unit": "children",
                "dimensions": ["form"],
                "cells": [{"form": k, "value": v} for k, v in children.items()]
                + [{"form": "*", "value": total}],
            },
            {
                "name": "situations_by_sector",
                "unit": "situations",
                "dimensions": ["sector"],
                "cells": [{"sector": k, "value": v} for k, v in sectors.items()]
                + [{"sector": "*", "value": sum(sectors.values())}],
            },
        ],
    }


@dataclass
class World:
    report: ActivityReport
    release: Release


def build_world(personas: Personas, subcategories: dict[str, Subcategory]) -> World:
    for year, lines in LINES.items():
        fy = FinancialYear.objects.create(year=year)
        for category, code, amount in lines:
            FinanceLine.objects.create(
                year=fy,
                category=category,
                subcategory=subcategories[code] if code else None,
                amount=Decimal(amount),
            )
    FinanceLine.objects.create(
        year=FinancialYear.objects.get(year=2025),
        kind="budget",
        category="subsidies",
        amount=Decimal("999999.00"),
    )  # a budget is not an account: never in the report's figures
    for name, group, start, end in (
        ("Ana Peeters", "team", date(2019, 1, 1), None),
        ("Bert Dubois", "board", date(2023, 3, 1), None),
        ("Carla Vroeger", "team", date(2018, 1, 1), date(2022, 12, 31)),
        ("Dirk Later", "team", date(2026, 2, 1), None),
    ):
        team_member_save(
            actor=personas.editor,
            name=name,
            group=group,
            role_fr="Chargé·e",
            role_nl="Medewerker",
            role_en="Officer",
            languages="fr,nl",
            start_date=start,
            end_date=end,
            order=1,
        )
    course = make_course()
    s2023 = make_session(course, at(2023, 5, 10))
    s2025 = make_session(course, at(2025, 3, 3), province="10000")
    make_session(course, at(2022, 5, 10))  # before the period
    for number, (session, status, sector) in enumerate(
        [
            (s2023, "attended", "youth_aid"),
            (s2023, "attended", "police"),
            (s2023, "no_show", "police"),
            (s2025, "attended", "youth_aid"),
            (s2025, "attended", "youth_aid"),
        ]
    ):
        make_registration(session, number, status, sector=sector)
    release = Release.objects.create(
        title="Statistics 2024",
        period=2024,
        drafted_by=personas.analyst,
        status=Release.Status.PUBLISHED,
        published_at=timezone.now(),
        content=release_content(
            2024,
            {"prostitution": 41, "online_sextortion": 12, "csam": None},
            {"police": 30, "youth_aid": 25},
        ),
    )
    Release.objects.create(  # a draft: never read
        title="Draft 2025",
        period=2025,
        drafted_by=personas.analyst,
        content=release_content(2025, {"prostitution": 999}, {"police": 999}),
    )
    Release.objects.create(  # published, but outside the period
        title="Statistics 2021",
        period=2021,
        drafted_by=personas.analyst,
        status=Release.Status.PUBLISHED,
        published_at=timezone.now(),
        content=release_content(2021, {"prostitution": 5}, {"police": 5}),
    )
    report = report_save(
        actor=personas.editor,
        start_year=2023,
        end_year=2025,
        title_fr="Rapport d'activité 2023–2025",
        title_nl="Activiteitenverslag 2023–2025",
        title_en="Activity report 2023–2025",
        publisher_name="ASBL Balise",
        publisher_details="Rue Haute 1, 1000 Bruxelles\nBCE 0123.456.789",
    )
    section_save(
        actor=personas.editor,
        report=report,
        order=10,
        heading_fr="Le mot de la présidente",
        heading_nl="Woord van de voorzitster",
        heading_en="A word from the chair",
        body_fr="Trois années **intenses**.",
        body_nl="Drie **intense** jaren.",
        body_en="Three **busy** years.",
    )
    section_save(
        actor=personas.editor,
        report=report,
        order=20,
        heading_fr="Nos missions",
        heading_nl="Onze opdrachten",
        heading_en="",
        body_fr="- Observer\n- Former",
        body_nl="- Observeren\n- Opleiden",
        body_en="",
    )
    return World(report=report, release=release)

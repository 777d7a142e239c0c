"""Administrators' finance pages: a year's computed figures, lines, closing and reopening."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from balise.audit.models import AuditEvent
from balise.reports.models import FinanceLine, FinancialYear, Subcategory
from balise.reports.services import RefusedChange, finance_line_add, finance_line_delete
from tests.conftest import Personas, login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def years(personas: Personas) -> dict[int, FinancialYear]:
    out = {}
    for year, subsidies, pay in ((2024, "100000.00", "80000.00"), (2025, "110000.00", "95000.50")):
        fy = FinancialYear.objects.create(year=year)
        finance_line_add(
            actor=personas.admin,
            fy=fy,
            kind="actual",
            category="subsidies",
            amount=Decimal(subsidies),
        )
        finance_line_add(
            actor=personas.admin,
            fy=fy,
            kind="actual",
            category="remuneration",
            amount=Decimal(pay),
        )
        out[year] = fy
    finance_line_add(
        actor=personas.admin,
        fy=out[2025],
        kind="budget",
        category="subsidies",
        amount=Decimal("120000"),
    )
    return out


def test_it_shows_totals_result_and_change_computed_from_the_lines(
    client: Client, personas: Personas, years: dict[int, FinancialYear]
) -> None:
    login_verified(client, personas.admin)
    page = client.get(
        reverse("reports:finance_year", args=[2025]), headers={"accept-language": "en"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "110,000.00\u00a0€" in html  # income
    assert "95,000.50\u00a0€" in html  # expenses
    assert "14,999.50\u00a0€" in html  # result
    assert "+10,000.00\u00a0€ (+10.0\u00a0%)" in html  # income change from 2024
    assert "120,000.00\u00a0€" in html  # budget
    assert 'role="img"' in html  # the accounts-and-budget chart


def test_it_adds_a_line_typed_the_belgian_way(
    client: Client,
    personas: Personas,
    years: dict[int, FinancialYear],
    subcategories: dict[str, Subcategory],
) -> None:
    login_verified(client, personas.admin)
    response = client.post(
        reverse("reports:finance_line_add", args=[2025]),
        {
            "kind": "actual",
            "category": "subsidies",
            "subcategory": subcategories["fwb"].pk,
            "label": "Convention",
            "amount": "1.234,56",
        },
    )
    assert response.status_code == 302
    assert FinanceLine.objects.get(label="Convention").amount == Decimal("1234.56")
    refused = client.post(
        reverse("reports:finance_line_add", args=[2025]),
        {
            "kind": "actual",
            "category": "remuneration",
            "subcategory": subcategories["fwb"].pk,
            "amount": "1,234.56",
        },
        headers={"accept-language": "en"},
    )
    assert refused.status_code == 400
    assert "This sub-category belongs to another category." in refused.content.decode()
    assert "written the English way" in refused.content.decode()


def test_it_freezes_a_closed_year_until_it_is_reopened_with_a_reason(
    client: Client, personas: Personas, years: dict[int, FinancialYear]
) -> None:
    login_verified(client, personas.admin)
    fy = years[2024]
    client.post(reverse("reports:finance_close", args=[2024]))
    translation.activate("en")  # the request left its language active on this thread
    fy.refresh_from_db()
    assert fy.is_closed
    with pytest.raises(RefusedChange, match="closed"):
        finance_line_add(
            actor=personas.admin, fy=fy, kind="actual", category="subsidies", amount=Decimal(1)
        )
    line = fy.lines.first()
    assert line is not None
    with pytest.raises(RefusedChange, match="closed"):
        finance_line_delete(actor=personas.admin, line=line)
    client.post(reverse("reports:finance_line_delete", args=[line.pk]))
    assert FinanceLine.objects.filter(pk=line.pk).exists()
    # Reopening needs a reason, and is audited with it.
    assert (
        client.post(reverse("reports:finance_reopen", args=[2024]), {"reason": ""}).status_code
        == 400
    )
    client.post(reverse("reports:finance_reopen", args=[2024]), {"reason": "Erreur du comptable"})
    fy.refresh_from_db()
    assert not fy.is_closed
    event = AuditEvent.objects.get(action="reports.year_reopened")
    assert event.details == {"year": 2024, "reason": "Erreur du comptable"}
    assert AuditEvent.objects.filter(action="reports.year_closed").count() == 1


def test_it_lists_years_with_a_trend(
    client: Client, personas: Personas, years: dict[int, FinancialYear]
) -> None:
    login_verified(client, personas.admin)
    html = client.get(
        reverse("reports:finances"), headers={"accept-language": "en"}
    ).content.decode()
    assert "20,000.00\u00a0€" in html  # 2024 result
    assert "<polyline" in html
    created = client.post(reverse("reports:finances"), {"year": 2026})
    assert created.status_code == 302
    assert FinancialYear.objects.filter(year=2026).exists()


def test_it_imports_through_the_page_and_lists_every_problem(
    client: Client, personas: Personas, years: dict[int, FinancialYear]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login_verified(client, personas.admin)
    bad = SimpleUploadedFile("c.csv", "Catégorie;Montant\nLoyers;1,00\nSubsides;x\n".encode())
    page = client.post(
        reverse("reports:finance_import", args=[2025]),
        {"kind": "actual", "file": bad},
        headers={"accept-language": "en"},
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "2 problems: nothing was imported" in html
    assert "Unknown category" in html
    good = SimpleUploadedFile("c.csv", "Catégorie;Montant\nSubsides;2.000,00\n".encode())
    page = client.post(
        reverse("reports:finance_import", args=[2025]), {"kind": "budget", "file": good}
    )
    assert page.status_code == 302
    assert list(years[2025].lines.filter(kind="budget").values_list("amount", flat=True)) == [
        Decimal("2000.00")
    ]

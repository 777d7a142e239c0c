"""Importing a year from an accountant's file: all or nothing, every problem named exactly."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from balise.audit.models import AuditEvent
from balise.core.tabular import ImportRefused
from balise.reports.models import FinanceLine, FinancialYear, Subcategory
from balise.reports.services import RefusedChange, finance_import, finance_year_close
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

HEADER = "Catégorie;Sous-catégorie;Libellé;Montant\r\n"
GOOD = (
    HEADER
    + "Subsides;FWB;Convention 2025;120.000,00\r\n"
    + "Subsides;Fédéral;;15.500,50\r\n"
    + "Cotisations;;;1.234,56\r\n"
    + "Rémunérations;;Salaires;98.765,43\r\n"
)


@pytest.fixture
def year(db: None) -> FinancialYear:
    fy = FinancialYear.objects.create(year=2025)
    FinanceLine.objects.create(year=fy, category="other_income", label="kept", amount=Decimal("7"))
    return fy


def _import(personas: Personas, fy: FinancialYear, content: bytes) -> int:
    return finance_import(actor=personas.admin, fy=fy, kind="actual", content=content)


def _refused(personas: Personas, fy: FinancialYear, content: bytes) -> list[tuple[object, ...]]:
    before = list(FinanceLine.objects.values_list("pk", "amount"))
    with pytest.raises(ImportRefused) as caught:
        _import(personas, fy, content)
    # Nothing written, nothing replaced.
    assert list(FinanceLine.objects.values_list("pk", "amount")) == before
    assert not AuditEvent.objects.filter(action="reports.year_imported").exists()
    return [(i.row, i.column, i.value, i.code) for i in caught.value.issues]


def _reasons(personas: Personas, fy: FinancialYear, content: bytes) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        _import(personas, fy, content)
    return [i.reason for i in caught.value.issues]


def _amounts() -> dict[tuple[str, str, str], Decimal]:
    return {
        (line.category, line.subcategory.code if line.subcategory else "", line.label): line.amount
        for line in FinanceLine.objects.select_related("subcategory")
    }


EXPECTED = {
    ("subsidies", "fwb", "Convention 2025"): Decimal("120000.00"),
    ("subsidies", "federal", ""): Decimal("15500.50"),
    ("membership_fees", "", ""): Decimal("1234.56"),
    ("remuneration", "", "Salaires"): Decimal("98765.43"),
}


@pytest.mark.parametrize(
    "content",
    [GOOD.encode("utf-8"), b"\xef\xbb\xbf" + GOOD.encode("utf-8"), GOOD.encode("cp1252")],
    ids=["utf-8", "utf-8 with BOM", "cp1252"],
)
def test_it_imports_an_accountants_csv(
    personas: Personas, subcategories: dict[str, Subcategory], year: FinancialYear, content: bytes
) -> None:
    assert _import(personas, year, content) == 4
    assert _amounts() == EXPECTED  # the year's earlier line was replaced
    event = AuditEvent.objects.get(action="reports.year_imported")
    assert event.details["total"] == "235500.49"
    assert event.details["replaced"] == 1


def test_it_imports_an_xlsx_with_numbers_and_text_amounts(
    personas: Personas, subcategories: dict[str, Subcategory], year: FinancialYear
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Categorie", "Subcategorie", "Omschrijving", "Bedrag"])
    sheet.append(["Subsidies", "fwb", "Convention 2025", 120000])
    sheet.append(["subsidies", "Federaal", None, 15500.5])
    sheet.append(["Lidgelden", None, None, "1.234,56"])
    sheet.append(["Bezoldigingen", None, "Salaires", 98765.43])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _import(personas, year, buffer.getvalue()) == 4
    assert _amounts() == EXPECTED


def test_it_refuses_a_comma_separated_file(personas: Personas, year: FinancialYear) -> None:
    content = b'Categorie,Montant\nSubsides,"120,00"\n'
    assert _refused(personas, year, content) == [(1, "", "", "delimiter")]
    assert _reasons(personas, year, content) == [
        "The columns are separated by commas; a Belgian accountant's CSV uses semicolons (;), "
        "since the comma marks decimals. Export it again as “CSV (separator: semicolon)” or send "
        "the .xlsx file."
    ]


def test_it_refuses_english_amounts_in_a_belgian_file(
    personas: Personas, year: FinancialYear
) -> None:
    content = (HEADER + "Subsides;;;1,234.56\r\nCotisations;;;12.50\r\n").encode()
    assert _refused(personas, year, content) == [
        (2, "Montant", "1,234.56", "amount_english"),
        (3, "Montant", "12.50", "amount_english"),
    ]
    assert _reasons(personas, year, content)[0] == (
        "“1,234.56” is written the English way; in a Belgian file the comma marks the decimals "
        "and the dot the thousands (1.234,56)."
    )


def test_it_refuses_text_in_an_amount(personas: Personas, year: FinancialYear) -> None:
    content = (HEADER + "Subsides;;;douze euros\r\n").encode()
    assert _refused(personas, year, content) == [
        (2, "Montant", "douze euros", "amount_not_a_number")
    ]
    assert _reasons(personas, year, content) == [
        "“douze euros” is not an amount (write it like 1.234,56)."
    ]


def test_it_refuses_an_unknown_category_and_names_the_known_ones(
    personas: Personas, subcategories: dict[str, Subcategory], year: FinancialYear
) -> None:
    content = (HEADER + "Loyers;;;100,00\r\nSubsides;Loterie;;5,00\r\n").encode()
    assert _refused(personas, year, content) == [
        (2, "Catégorie", "Loyers", "unknown_category"),
        (3, "Sous-catégorie", "Loterie", "unknown_subcategory"),
    ]
    assert _reasons(personas, year, content) == [
        "Unknown category “Loyers”. The categories are: Membership fees, Gifts and legacies, "
        "Subsidies, Other income, Goods and services, Remuneration, Miscellaneous goods and "
        "services, Other expenses.",
        "Unknown sub-category “Loterie” under “Subsidies”. Known: Fédéral, Fédération "
        "Wallonie-Bruxelles. Administrators add sub-categories under Finances.",
    ]


def test_it_refuses_a_duplicate_line(
    personas: Personas, subcategories: dict[str, Subcategory], year: FinancialYear
) -> None:
    content = (
        HEADER + "Subsides;FWB;Convention;10,00\r\nSubsides;fwb;convention;20,00\r\n"
    ).encode()
    assert _refused(personas, year, content) == [(3, "", "convention", "duplicate_line")]
    assert _reasons(personas, year, content) == [
        "Same category, sub-category and label as row 2: add the amounts together in one line, "
        "or tell them apart by their label."
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", [(0, "", "", "empty")]),
        (b"\xef\xbb\xbf\r\n", [(0, "", "", "empty")]),
        (HEADER.encode(), [(1, "", "", "no_rows")]),
        (b"Compte;Date\r\n6100;01/01/2025\r\n", [(1, "", "Compte;Date", "missing_columns")]),
    ],
    ids=["empty", "BOM only", "header only", "no known column"],
)
def test_it_refuses_files_without_amounts(
    personas: Personas, year: FinancialYear, content: bytes, expected: list[tuple[object, ...]]
) -> None:
    assert _refused(personas, year, content) == expected


def test_it_lists_every_problem_of_a_file_at_once(personas: Personas, year: FinancialYear) -> None:
    content = (
        HEADER
        + "Subsides;;;1,234.56\r\n"
        + "Loyers;;;5,00\r\n"
        + "Cotisations;;;abc\r\n"
        + "Cotisations;;;-3,00\r\n"
        + ";;;1,00\r\n"
        + "Dons;;;1,001\r\n"
    ).encode("cp1252")
    assert [(row, code) for row, _c, _v, code in _refused(personas, year, content)] == [
        (2, "amount_english"),
        (3, "unknown_category"),
        (4, "amount_not_a_number"),
        (5, "amount_negative"),
        (6, "category_empty"),
        (7, "amount_cents"),
    ]


def test_it_refuses_to_import_into_a_closed_year(
    personas: Personas, subcategories: dict[str, Subcategory], year: FinancialYear
) -> None:
    finance_year_close(actor=personas.admin, fy=year)
    with pytest.raises(RefusedChange, match="closed"):
        _import(personas, year, GOOD.encode())
    assert list(FinanceLine.objects.values_list("label", flat=True)) == ["kept"]

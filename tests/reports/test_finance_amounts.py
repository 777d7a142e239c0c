"""Amounts as Belgian accountants write them, and exact decimal sums (property tests)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balise.reports.finances import AmountError, change, parse_amount, summarise
from balise.reports.models import EXPENSE_CATEGORIES, INCOME_CATEGORIES, Category

CENTS = st.integers(min_value=0, max_value=10**13).map(lambda c: Decimal(c) / 100)
LINES = st.lists(
    st.tuples(st.sampled_from([str(c) for c in Category]), st.sampled_from(["", "a", "b"]), CENTS),
    max_size=60,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56 €", "1234.56"),
        ("1234,5", "1234.50"),
        ("1.234.567", "1234567.00"),
        ("0", "0.00"),
        ("12", "12.00"),
        ("€ 99,99", "99.99"),
    ],
)
def test_it_reads_belgian_amounts(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1,234.56", "amount_english"),
        ("12.50", "amount_english"),
        ("douze", "amount_not_a_number"),
        ("12,345", "amount_cents"),
        ("-5,00", "amount_negative"),
        ("", "amount_empty"),
        ("1.23,4", "amount_not_a_number"),
        ("1e5", "amount_not_a_number"),
    ],
)
def test_it_refuses_what_is_not_a_belgian_amount(text: str, code: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.code == code


def test_it_reads_spreadsheet_numbers_with_a_dot() -> None:
    assert parse_amount("1234.56", spreadsheet_number=True) == Decimal("1234.56")
    assert parse_amount("1.234,56", spreadsheet_number=True) == Decimal("1234.56")
    with pytest.raises(AmountError):
        parse_amount("0.125", spreadsheet_number=True)


@given(CENTS)
def test_it_reads_back_any_amount_written_the_belgian_way(amount: Decimal) -> None:
    units, cents = f"{amount:.2f}".split(".")
    grouped = f"{int(units):,}".replace(",", ".")
    assert parse_amount(f"{grouped},{cents}") == amount
    assert parse_amount(f"{units},{cents}") == amount


@given(LINES)
def test_it_sums_exactly(lines: list[tuple[str, str, Decimal]]) -> None:
    summary = summarise(lines)
    income = [a for c, _s, a in lines if c in INCOME_CATEGORIES]
    expenses = [a for c, _s, a in lines if c in EXPENSE_CATEGORIES]
    assert summary.income_total == sum(income, Decimal(0))
    assert summary.expense_total == sum(expenses, Decimal(0))
    assert summary.result == summary.income_total - summary.expense_total
    # Sub-category totals add up to the category totals, cent for cent.
    for category in Category:
        by_sub = sum(
            (v for (c, _s), v in summary.by_subcategory.items() if c == category), Decimal(0)
        )
        total = {**summary.income, **summary.expenses}[category]
        assert by_sub == total
    assert summary.result.as_tuple().exponent == -2  # still cents, never a float's tail


@given(LINES, LINES)
def test_it_sums_in_any_order(
    first: list[tuple[str, str, Decimal]], second: list[tuple[str, str, Decimal]]
) -> None:
    assert summarise(first + second).result == summarise(second + first).result
    assert summarise(first + second).result == summarise(first).result + summarise(second).result


def test_it_refuses_floats() -> None:
    with pytest.raises(TypeError):
        summarise([("subsidies", "", 0.1)])  # type: ignore[list-item]  # the refusal under test


def test_it_computes_year_on_year_change() -> None:
    assert change(Decimal("110.00"), Decimal("100.00")).percent == Decimal("10.0")
    assert change(Decimal("-50.00"), Decimal("100.00")).delta == Decimal("-150.00")
    assert change(Decimal("-50.00"), Decimal("-100.00")).percent == Decimal("50.0")
    assert change(Decimal("5.00"), Decimal("0.00")).percent is None

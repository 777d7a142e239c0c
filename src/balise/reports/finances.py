"""Finances: exact sums, the year's result and year-on-year change, and the accountants' import.

Everything here is computed from the stored lines, never typed: ``summarise`` adds ``Decimal``
amounts exactly; ``change`` compares two years. ``parse_amount`` reads an amount as a Belgian
accountant writes it (``1.234,56``, ``1 234,56``, ``1234,56``) and refuses the English
``1,234.56`` by name. ``read_finance_file`` checks a whole file and lists every problem (row,
column, value, reason) through the shared reader ``balise.core.tabular``; nothing is written
unless every row is right (``services.finance_import``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from balise.core.tabular import (
    ImportIssue,
    ImportRefused,
    Message,
    Sheet,
    fold_header,
    read_table,
)
from balise.reports.models import (
    EXPENSE_CATEGORIES,
    INCOME_CATEGORIES,
    Category,
    Subcategory,
)

CENT: Final = Decimal("0.01")
MAX_AMOUNT: Final = Decimal("999999999999.99")  # what DecimalField(14, 2) holds

# --- sums ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """A year's (or a budget's) figures. Every total is a sum of the lines, in exact decimals."""

    income: Mapping[str, Decimal]  # category -> total, every income category present
    expenses: Mapping[str, Decimal]
    by_subcategory: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)

    @property
    def income_total(self) -> Decimal:
        return sum(self.income.values(), Decimal("0.00"))

    @property
    def expense_total(self) -> Decimal:
        return sum(self.expenses.values(), Decimal("0.00"))

    @property
    def result(self) -> Decimal:
        """Income minus expenses: a surplus when positive, a deficit when negative."""
        return self.income_total - self.expense_total


def summarise(lines: Iterable[tuple[str, str, Decimal]]) -> Summary:
    """Sum (category, sub-category code or "", amount) lines per category and sub-category."""
    income = {str(c): Decimal("0.00") for c in INCOME_CATEGORIES}
    expenses = {str(c): Decimal("0.00") for c in EXPENSE_CATEGORIES}
    by_sub: dict[tuple[str, str], Decimal] = {}
    for category, subcategory, amount in lines:
        if not isinstance(amount, Decimal):
            raise TypeError("amounts are Decimal, never float")
        target = income if category in income else expenses
        if category not in target:
            raise ValueError(f"unknown category {category!r}")
        target[category] += amount
        key = (category, subcategory or "")
        by_sub[key] = by_sub.get(key, Decimal("0.00")) + amount
    return Summary(income=income, expenses=expenses, by_subcategory=by_sub)


@dataclass(frozen=True)
class Change:
    delta: Decimal
    percent: Decimal | None  # None when the previous figure is zero (no meaningful ratio)


def change(current: Decimal, previous: Decimal) -> Change:
    """Year-on-year change; the percentage rounded half-even to one decimal."""
    delta = current - previous
    if previous == 0:
        return Change(delta, None)
    return Change(delta, (delta * 100 / abs(previous)).quantize(Decimal("0.1")))


# --- amounts -------------------------------------------------------------------------------------


class AmountError(ValueError):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_BELGIAN_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
_BELGIAN_PLAIN = re.compile(r"^\d+(,\d+)?$")
_ENGLISH = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+\.\d{1,2}$")
_SPREADSHEET_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def parse_amount(text: str, *, spreadsheet_number: bool = False) -> Decimal:
    """An amount in euros with at most two decimals, positive or zero.

    ``spreadsheet_number``: the cell came from an XLSX number (written with a dot by the reader).
    """
    raw = text.strip()
    if not raw:
        raise AmountError("amount_empty", _("The amount is empty."))
    if spreadsheet_number and _SPREADSHEET_NUMBER.match(raw):
        value = Decimal(raw)
    else:
        bare = _SPACES.sub("", raw).removesuffix("€").removesuffix("EUR").removeprefix("€")
        negative = bare.startswith("-")
        bare = bare.removeprefix("-").removeprefix("+")
        if _BELGIAN_GROUPED.match(bare):
            number = bare.replace(".", "").replace(",", ".")
        elif _BELGIAN_PLAIN.match(bare):
            number = bare.replace(",", ".")
        elif _ENGLISH.match(bare):
            raise AmountError(
                "amount_english",
                _(
                    "“%(value)s” is written the English way; in a Belgian file the comma marks "
                    "the decimals and the dot the thousands (1.234,56)."
                )
                % {"value": raw},
            )
        else:
            raise AmountError(
                "amount_not_a_number",
                _("“%(value)s” is not an amount (write it like 1.234,56).") % {"value": raw},
            )
        try:
            value = Decimal(number)
        except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
            raise AmountError("amount_not_a_number", _("This is not an amount.")) from None
        if negative:
            value = -value
    if value != value.quantize(CENT):
        raise AmountError(
            "amount_cents",
            _("An amount has at most two decimals (cents): “%(value)s”.") % {"value": raw},
        )
    if value < 0:
        raise AmountError(
            "amount_negative",
            _("An amount cannot be negative; a refund lowers the line it refunds."),
        )
    if value > MAX_AMOUNT:
        raise AmountError("amount_too_large", _("The amount is too large."))
    return value.quantize(CENT)


# --- categories ----------------------------------------------------------------------------------

# Accepted spellings of each heading (folded): its code and its names in French, Dutch, English
# as the official simplified scheme and accountants' exports write them.
CATEGORY_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    Category.MEMBERSHIP_FEES: (
        "membership_fees",
        "cotisations",
        "cotisations_des_membres",
        "lidgeld",
        "lidgelden",
        "bijdragen",
        "membership_fee",
    ),
    Category.GIFTS_LEGACIES: (
        "gifts_legacies",
        "gifts_and_legacies",
        "dons_et_legs",
        "dons",
        "legs",
        "schenkingen_en_legaten",
        "giften_en_legaten",
        "schenkingen",
    ),
    Category.SUBSIDIES: ("subsidies", "subsides", "subventions", "subsidie"),
    Category.OTHER_INCOME: (
        "other_income",
        "autres_recettes",
        "autres_produits",
        "andere_ontvangsten",
        "overige_ontvangsten",
    ),
    Category.GOODS_SERVICES: (
        "goods_services",
        "goods_and_services",
        "marchandises_et_services",
        "marchandises",
        "goederen_en_diensten",
        "handelsgoederen",
    ),
    Category.REMUNERATION: (
        "remuneration",
        "remunerations",
        "bezoldigingen",
        "salaires",
        "lonen",
    ),
    Category.MISC_GOODS_SERVICES: (
        "misc_goods_services",
        "miscellaneous_goods_and_services",
        "biens_et_services_divers",
        "diverse_goederen_en_diensten",
    ),
    Category.OTHER_EXPENSES: (
        "other_expenses",
        "autres_depenses",
        "andere_uitgaven",
        "overige_uitgaven",
    ),
}
_CATEGORY_OF: Final = {
    alias: str(c) for c, aliases in CATEGORY_ALIASES.items() for alias in aliases
}

COLUMN_ALIASES: Final[Mapping[str, tuple[str, ...]]] = {
    "category": ("category", "categorie", "rubrique", "rubriek", "poste", "post"),
    "subcategory": (
        "subcategory",
        "sub_category",
        "sous_categorie",
        "souscategorie",
        "subcategorie",
        "detail",
    ),
    "label": ("label", "libelle", "intitule", "description", "omschrijving"),
    "amount": ("amount", "montant", "bedrag", "amount_eur", "montant_eur", "bedrag_eur"),
}
_COLUMN_OF: Final = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}
REQUIRED_COLUMNS: Final = ("category", "amount")


def category_of(text: str) -> str | None:
    return _CATEGORY_OF.get(fold_header(text))


def category_label(code: str) -> str:
    return str(Category(code).label)


@dataclass(frozen=True)
class ParsedLine:
    row: int
    category: str
    subcategory: Subcategory | None
    label: str
    amount: Decimal


def _issue(row: int, column: str, value: str, code: str, reason: str) -> ImportIssue:
    shown = value if len(value) <= 40 else value[:39] + "…"
    return ImportIssue(row=row, column=column, value=shown, reason=reason, code=code)


def _map_header(table: Sheet) -> dict[str, int]:
    if table.file_format == "csv" and table.delimiter != ";":
        found = {",": _("commas"), "\t": _("tabs")}.get(table.delimiter, table.delimiter)
        raise ImportRefused(
            [
                _issue(
                    1,
                    "",
                    "",
                    "delimiter",
                    _(
                        "The columns are separated by %(found)s; a Belgian accountant's CSV uses "
                        "semicolons (;), since the comma marks decimals. Export it again as "
                        "“CSV (separator: semicolon)” or send the .xlsx file."
                    )
                    % {"found": found},
                )
            ]
        )
    columns: dict[str, int] = {}
    issues: list[ImportIssue] = []
    for index, raw in enumerate(table.header):
        name = _COLUMN_OF.get(fold_header(raw))
        if name is None:
            continue  # accountants' exports carry more columns (account, date): not ours
        if name in columns:
            issues.append(_issue(1, raw, raw, "duplicate_column", _("This column appears twice.")))
            continue
        columns[name] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        issues.append(
            _issue(
                1,
                "",
                ";".join(table.header)[:40],
                "missing_columns",
                _(
                    "The header row lacks the column(s) %(missing)s. Expected: a category "
                    "(catégorie/categorie), an amount (montant/bedrag) and, optionally, a "
                    "sub-category and a label, separated by semicolons."
                )
                % {"missing": ", ".join(missing)},
            )
        )
    if issues:
        raise ImportRefused(issues)
    return columns


def _subcategory_index(subcategories: Sequence[Subcategory]) -> dict[tuple[str, str], Subcategory]:
    index: dict[tuple[str, str], Subcategory] = {}
    for sub in subcategories:
        for text in (sub.code, sub.name_fr, sub.name_nl, sub.name_en):
            if text:
                index.setdefault((sub.category, fold_header(text)), sub)
    return index


def read_finance_file(content: bytes, *, subcategories: Sequence[Subcategory]) -> list[ParsedLine]:
    """Every line of an accountant's file, or ``ImportRefused`` listing every problem."""
    table = read_table(
        content, no_rows_reason=Message(gettext_noop("The file has a header row but no amounts."))
    )
    columns = _map_header(table)
    subs = _subcategory_index(subcategories)
    lines: list[ParsedLine] = []
    issues: list[ImportIssue] = []
    seen: dict[tuple[str, int | None, str], int] = {}

    def cell(cells: Sequence[str], name: str) -> str:
        index = columns.get(name)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    for row, cells in table.rows:
        header = {name: table.header[index] for name, index in columns.items()}
        row_issues: list[ImportIssue] = []
        raw_category = cell(cells, "category")
        category = category_of(raw_category) if raw_category else None
        if category is None:
            known = ", ".join(category_label(c) for c in Category.values)
            row_issues.append(
                _issue(
                    row,
                    header["category"],
                    raw_category,
                    "unknown_category" if raw_category else "category_empty",
                    (
                        _("Unknown category “%(value)s”. The categories are: %(known)s.")
                        % {"value": raw_category, "known": known}
                    )
                    if raw_category
                    else _("The category is empty."),
                )
            )
        subcategory: Subcategory | None = None
        raw_sub = cell(cells, "subcategory")
        if raw_sub and category is not None:
            subcategory = subs.get((category, fold_header(raw_sub)))
            if subcategory is None:
                known_subs = ", ".join(s.name for s in subcategories if s.category == category)
                row_issues.append(
                    _issue(
                        row,
                        header["subcategory"],
                        raw_sub,
                        "unknown_subcategory",
                        _(
                            "Unknown sub-category “%(value)s” under “%(category)s”. Known: "
                            "%(known)s. Administrators add sub-categories under Finances."
                        )
                        % {
                            "value": raw_sub,
                            "category": category_label(category),
                            "known": known_subs or _("none yet"),
                        },
                    )
                )
        label = cell(cells, "label")[:200]
        raw_amount = cell(cells, "amount")
        amount: Decimal | None = None
        try:
            amount = parse_amount(raw_amount, spreadsheet_number=table.file_format == "xlsx")
        except AmountError as exc:
            row_issues.append(_issue(row, header["amount"], raw_amount, exc.code, exc.reason))
        if category is not None and not row_issues:
            key = (category, subcategory.pk if subcategory else None, label.casefold())
            if key in seen:
                row_issues.append(
                    _issue(
                        row,
                        "",
                        label or raw_category,
                        "duplicate_line",
                        _(
                            "Same category, sub-category and label as row %(row)s: add the "
                            "amounts together in one line, or tell them apart by their label."
                        )
                        % {"row": seen[key]},
                    )
                )
            else:
                seen[key] = row
        if row_issues:
            issues.extend(row_issues)
        elif category is not None and amount is not None:
            lines.append(ParsedLine(row, category, subcategory, label, amount))
    if issues:
        raise ImportRefused(issues)
    return lines

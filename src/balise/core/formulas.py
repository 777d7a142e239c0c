"""Cells a spreadsheet would run as a formula, made inert in every file the house writes.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice (OWASP "CSV injection"); a leading apostrophe makes it plain text. The
situations export, the import's error table, the audit log export and the observatory's
downloads all go through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cells(row: Iterable[Any]) -> list[Any]:
    """A row for a CSV or XLSX writer: strings neutralised, numbers, dates and None as they are."""
    return [neutralise_formula(value) if isinstance(value, str) else value for value in row]


__all__ = ["FORMULA_STARTS", "neutralise_formula", "safe_cells"]

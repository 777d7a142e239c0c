"""Amounts as people read them: ``{{ amount|euros }}`` → 1 234,56 € (in the active language)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from balise.reports.finances import Change

register = template.Library()


@register.filter
def euros(value: Any) -> str:
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    text = formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0€"


@register.filter
def signed_euros(value: Any) -> str:
    amount = Decimal(str(value))
    return ("+" if amount > 0 else "") + euros(amount).replace("-", "−")


@register.filter
def change_text(value: Change | None) -> str:
    """“+1 234,00 € (+12,5 %)”, or “—” without a previous year."""
    if value is None:
        return "—"
    if value.percent is None:
        return f"{signed_euros(value.delta)} ({_('no previous amount')})"
    percent = formats.number_format(value.percent, 1, use_l10n=True)
    sign = "+" if value.percent > 0 else ""
    return f"{signed_euros(value.delta)} ({sign}{percent}\u00a0%)".replace("-", "−")

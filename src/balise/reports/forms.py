"""Forms of finances, the team and activity reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from balise.reports.finances import AmountError, parse_amount
from balise.reports.models import (
    ActivityReport,
    Category,
    Kind,
    ReportSection,
    Subcategory,
    TeamMember,
)


class AmountField(forms.CharField):
    """Euros as a Belgian writes them: 1.234,56 (or 1234,56)."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # a Decimal, not str
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_amount(text)
        except AmountError as exc:
            raise ValidationError(exc.reason, code=exc.code) from None


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)


class LineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Accounts or budget"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    subcategory = forms.ModelChoiceField(
        label=_("Sub-category"), queryset=Subcategory.objects.all(), required=False
    )
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    amount = AmountField(label=_("Amount (€)"), help_text=_("For example 1.234,56"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sub = data.get("subcategory")
        if sub is not None and sub.category != data.get("category"):
            self.add_error("subcategory", _("This sub-category belongs to another category."))
        return data


class SubcategoryForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Short, without spaces, e.g. fwb")
    )
    name_fr = forms.CharField(label=_("Name in French"), max_length=120)
    name_nl = forms.CharField(label=_("Name in Dutch"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Accounts or budget"), choices=Kind.choices)
    file = forms.FileField(
        label=_("File (CSV with semicolons, or XLSX)"),
        help_text=_(
            "Columns: category; sub-category; label; amount. It replaces the year's lines."
        ),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the year reopened?"), max_length=500)


class TeamMemberForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only; cleaning only, saved by services
    class Meta:
        model = TeamMember
        fields = [
            "name",
            "group",
            "role_fr",
            "role_nl",
            "role_en",
            "languages",
            "start_date",
            "end_date",
            "order",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (PNG or JPEG, at most 1 MB)"))
    consent = forms.BooleanField(
        label=_("The person agreed in writing that this photo is published on the team page."),
    )


class ReportForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only; cleaning only, saved by services
    class Meta:
        model = ActivityReport
        fields = [
            "start_year",
            "end_year",
            "title_fr",
            "title_nl",
            "title_en",
            "publisher_name",
            "publisher_details",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year comes before the first."))
        if start and end and end - start > 9:
            self.add_error("end_year", _("A report covers at most ten years."))
        return data


class SectionForm(forms.ModelForm):  # type: ignore[type-arg]  # generic in the stubs only; cleaning only, saved by services
    class Meta:
        model = ReportSection
        fields = [
            "order",
            "heading_fr",
            "heading_nl",
            "heading_en",
            "body_fr",
            "body_nl",
            "body_en",
        ]
        widgets = {
            "body_fr": forms.Textarea(attrs={"rows": 8}),
            "body_nl": forms.Textarea(attrs={"rows": 8}),
            "body_en": forms.Textarea(attrs={"rows": 8}),
        }

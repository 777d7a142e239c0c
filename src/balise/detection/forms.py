"""The checklist form (answers only, never an identity field) and the guidance edit form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.detection.catalogue import Catalogue
from balise.detection.guidance import ContactsError, parse_contacts
from balise.detection.models import GuidanceKey
from balise.detection.rule import Recency
from balise.detection.services import MAX_BODY

SIGN_PREFIX = "sign_"

RECENCY_CHOICES = [
    (Recency.NOT_OBSERVED.value, _("Not observed")),
    (Recency.LAST_6_MONTHS.value, _("In the last 6 months")),
    (Recency.SIX_TO_12_MONTHS.value, _("6 to 12 months ago")),
]


class ChecklistForm(forms.Form):
    """Vulnerabilities as one multiple choice; each sign as ``sign_<code>`` with its recency."""

    def __init__(self, *args: Any, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.fields["vulnerabilities"] = forms.MultipleChoiceField(
            label=_("Vulnerabilities"),
            required=False,
            choices=[(code, code) for code in catalogue.vulnerability_codes],
        )
        for code in catalogue.sign_codes:
            self.fields[SIGN_PREFIX + code] = forms.ChoiceField(
                label=catalogue.entries[code].label(),
                required=False,
                choices=RECENCY_CHOICES,
            )

    def signs(self) -> dict[str, str]:
        """The recency of every sign (``not_observed`` when left blank); call after is_valid."""
        return {
            code: self.cleaned_data.get(SIGN_PREFIX + code) or Recency.NOT_OBSERVED.value
            for code in self.catalogue.sign_codes
        }

    def vulnerabilities(self) -> list[str]:
        return list(self.cleaned_data.get("vulnerabilities") or [])

    def recency_of(self, code: str) -> str:
        """The recency to show as checked for a sign (bound value, else not observed)."""
        value = self.data.get(SIGN_PREFIX + code) if self.is_bound else None
        valid = {choice for choice, _label in RECENCY_CHOICES}
        return value if value in valid else Recency.NOT_OBSERVED.value

    def checked_vulnerabilities(self) -> set[str]:
        if not self.is_bound:
            return set()
        getlist = getattr(self.data, "getlist", None)  # a QueryDict from a request
        values = getlist("vulnerabilities") if getlist else self.data.get("vulnerabilities", [])
        return {str(value) for value in values}


class GuidanceForm(forms.Form):
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MAX_BODY,
        strip=True,
    )

    def __init__(self, *args: Any, key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        if key == GuidanceKey.CONTACTS:
            self.fields["body"].help_text = _(
                "One contact per line: name | phone number | what it is for. "
                "The phone number may be left empty."
            )
        else:
            self.fields["body"].help_text = _("One step per line, in the order to follow.")

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if self.key == GuidanceKey.CONTACTS:
            try:
                parse_contacts(body)
            except ContactsError as error:
                messages = {
                    "name": _("line %(line)s: the name is missing."),
                    "phone": _("line %(line)s: the phone number may hold only digits and spaces."),
                    "fields": _("line %(line)s: use at most two | separators."),
                    "length": _("line %(line)s: the line is too long."),
                }
                raise forms.ValidationError(
                    [messages[problem] % {"line": line} for line, problem in error.problems]
                ) from None
        return body

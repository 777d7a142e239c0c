"""The audit browser's filter form (a GET form: filters live in the URL, so pages can be shared)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from balise.accounts.models import Organisation, User
from balise.audit.models import AuditEvent


class EventFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        queryset=User.objects.order_by("email"),
        required=False,
        label=_("User"),
        empty_label=_("All users"),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label=_("Organisation"),
        empty_label=_("All organisations"),
    )
    action = forms.ChoiceField(required=False, label=_("Action"))
    date_from = forms.DateField(
        required=False,
        label=_("From (UTC date)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        required=False,
        label=_("To (UTC date, included)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", _("All actions")), *((a, a) for a in actions)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """Narrow ``events`` by the valid filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        if data.get("actor"):
            events = events.filter(actor_id=data["actor"].pk)
        if data.get("organisation"):
            events = events.filter(organisation_id=data["organisation"].pk)
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("date_from"):
            events = events.filter(created_at__gte=_utc_midnight(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(created_at__lt=_utc_midnight(data["date_to"] + timedelta(1)))
        return events

    def summary(self) -> dict[str, str | int]:
        """The filters as ids and ISO dates, fit for an audit event's details."""
        data = self.cleaned_data
        summary: dict[str, str | int] = {}
        for key in ("actor", "organisation"):
            if data.get(key):
                summary[f"{key}_id"] = data[key].pk
        if data.get("action"):
            summary["action"] = data["action"]
        for key in ("date_from", "date_to"):
            if data.get(key):
                summary[key] = data[key].isoformat()
        return summary


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)

"""What the recording form shows: fields, choices by group, help, current values and errors.

The form has no validation of its own: the view hands the raw input to the services, which call
``validate_situation_data``; this module only turns the dictionary and the errors into something
the template can render (groups as fieldsets with legends, one-line help per field).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from balise.situations.models import Situation
from balise.situations.validation import FIELDS, IDENTITY_FIELDS, MULTI_FIELDS, FieldIssue
from balise.taxonomy.loader import Vocabulary, load

# One-line help per field (the vocabularies' own help texts explain each choice).
HELP: Mapping[str, Any] = {
    "reference": _(
        "Your own file or case number, so you can find this situation again. Never a name. "
        "Left empty, Balise makes one."
    ),
    "detection_month": _("The month in which the situation came to your attention."),
    "arrondissement": _("Where the child lives or was found, at arrondissement level."),
    "age_years": _("Age in whole years when the situation was detected; leave empty if unknown."),
    "gender": _("As the child describes themselves, or as known to you."),
    "citizenship_group": _("The child's citizenship as far as you know it."),
    "unaccompanied": _("A foreign minor in Belgium without a parent or legal guardian."),
    "forms": _("Tick every form of exploitation that applies (at least one)."),
    "recruitment_channels": _("How the child was first approached, if known."),
    "places": _("Where the exploitation took place, if known."),
    "vulnerabilities": _("Risk factors in the child's life, grouped as in the detection tools."),
    "signs": _("Signs you observed, grouped as in the detection tools."),
    "actions": _("What you did and to whom you referred the child."),
    "status": _("Presumed: serious indications. Identified: formally identified as a victim."),
    "note": _(
        "Optional. Encrypted, readable only by your organisation. Do not write names or "
        "birth dates here."
    ),
}
LABELS: Mapping[str, Any] = {
    "reference": _("Internal reference"),
    "detection_month": _("Detection month"),
    "arrondissement": _("Arrondissement"),
    "age_years": _("Age at detection (years)"),
    "gender": _("Gender"),
    "citizenship_group": _("Citizenship"),
    "unaccompanied": _("Unaccompanied minor"),
    "forms": _("Forms of exploitation"),
    "recruitment_channels": _("Recruitment channels"),
    "places": _("Places"),
    "vulnerabilities": _("Vulnerabilities and risk factors"),
    "signs": _("Signs observed"),
    "actions": _("Actions taken and referrals"),
    "status": _("Identification status"),
    "note": _("Note"),
}
RADIO_FIELDS = {
    "gender": "genders",
    "citizenship_group": "citizenship_groups",
    "status": "statuses",
}


@dataclass
class Choice:
    code: str
    label: str
    help: str
    checked: bool
    id: str


@dataclass
class ChoiceGroup:
    legend: str | None
    choices: list[Choice]


@dataclass
class FormField:
    name: str
    label: str
    help: str
    errors: list[str] = field(default_factory=list)
    value: Any = ""
    groups: list[ChoiceGroup] = field(default_factory=list)

    @property
    def first_id(self) -> str:
        """The element an error summary links to: the input, or a group's first choice."""
        if self.name == "arrondissement":  # a select, its options are not focusable alone
            return "id_arrondissement"
        for group in self.groups:
            if group.choices:
                return group.choices[0].id
        return f"id_{self.name}"


def raw_input(post: QueryDict) -> dict[str, Any]:
    """The situation fields of a submitted form (lists for multi-valued fields)."""
    data: dict[str, Any] = {}
    for name in FIELDS:
        if name in MULTI_FIELDS:
            data[name] = post.getlist(name)
        elif name == "unaccompanied" or name in post:
            data[name] = post.get(name, "")
    return data


def values_of(situation: Situation, note: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(situation, name) for name in FIELDS if name not in {"note", *IDENTITY_FIELDS}
    }
    values["detection_month"] = situation.detection_month.strftime("%Y-%m")
    values["note"] = note or ""
    return values


def _display(value: Any) -> Any:
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return "" if value is None else value


def _choice_groups(vocab: Vocabulary, name: str, selected: Sequence[str]) -> list[ChoiceGroup]:
    groups = []
    counter = 0
    for group, entries in vocab.grouped():
        choices = []
        for entry in entries:
            choices.append(
                Choice(
                    code=entry.code,
                    label=entry.label(),
                    help=entry.help_text(),
                    checked=entry.code in selected,
                    id=f"id_{name}_{counter}",
                )
            )
            counter += 1
        groups.append(ChoiceGroup(legend=group.label() if group else None, choices=choices))
    return groups


def arrondissement_groups(selected: str) -> list[ChoiceGroup]:
    """Arrondissements under their province (Brussels-Capital under its region)."""
    geography = load()["geography"]
    parents = [e for e in geography if e.level in {"province", "region"}]
    groups = []
    for parent in parents:
        children = [e for e in geography if e.level == "arrondissement" and e.parent == parent.code]
        if not children:
            continue
        groups.append(
            ChoiceGroup(
                legend=parent.label(),
                choices=[
                    Choice(e.code, e.label(), "", e.code == selected, f"id_arr_{e.code}")
                    for e in children
                ],
            )
        )
    return groups


def build_fields(
    values: Mapping[str, Any], issues: Sequence[FieldIssue] = ()
) -> dict[str, FormField]:
    dictionary = load()
    errors: dict[str, list[str]] = {}
    for issue in issues:
        errors.setdefault(issue.field, []).append(issue.message)
    fields: dict[str, FormField] = {}
    for name in LABELS:
        value = values.get(name)
        form_field = FormField(
            name=name,
            label=str(LABELS[name]),
            help=str(HELP[name]),
            errors=errors.get(name, []),
            value=_display(value),
        )
        if name in MULTI_FIELDS:
            form_field.groups = _choice_groups(
                dictionary[MULTI_FIELDS[name]], name, list(value or [])
            )
        elif name in RADIO_FIELDS:
            form_field.groups = _choice_groups(
                dictionary[RADIO_FIELDS[name]], name, [str(value or "")]
            )
        elif name == "arrondissement":
            form_field.groups = arrondissement_groups(str(value or ""))
        fields[name] = form_field
    return fields


def identity_errors(issues: Sequence[FieldIssue]) -> list[str]:
    return [i.message for i in issues if i.field in IDENTITY_FIELDS or i.code == "identity_field"]

"""Forms of network administration; writes go through services, never ``ModelForm.save``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from balise.accounts.models import PlatformRole, Region, Sector


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)


class PlatformRoleForm(forms.Form):
    ROLE_CHOICES = [("", _("No platform role")), *PlatformRole.choices]
    role = forms.ChoiceField(label=_("Platform role"), choices=ROLE_CHOICES, required=False)


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Email or name contains"), max_length=100, required=False)


class StewardInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the steward"), max_length=254)

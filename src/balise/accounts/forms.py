"""Forms of the sign-in, second-factor, password and membership pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from balise.accounts.models import OrgRole
from balise.audit.services import record_event


def reauthenticate(request: HttpRequest, password: str) -> bool:
    """Check the signed-in person's password through the backends, so django-axes counts misses."""
    user = request.user
    if not user.is_authenticated:
        return False
    confirmed = authenticate(request, username=user.get_username(), password=password)
    if confirmed is not None and confirmed.pk == user.pk:
        return True
    record_event("auth.reauth_failed", request=request)
    if getattr(request, "axes_locked_out", False):
        record_event("auth.lockout", request=request, details={"email": user.get_username()})
    return False


class LoginForm(AuthenticationForm):
    """Email and password; one message for every failure so nobody learns who has an account."""

    error_messages = {
        "invalid_login": _("The email address or password is incorrect."),
        "inactive": _("The email address or password is incorrect."),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["password"].label = _("Password")

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username", "")).strip().lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, require_password: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if require_password:
            self.fields["password"].required = True
            self.fields["password"].help_text = _(
                "Replacing your authenticator requires your password."
            )
        else:
            del self.fields["password"]


class ReauthForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class BalisePasswordChangeForm(PasswordChangeForm):
    """Django's form, with the old password checked through the throttled backends."""

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(request.user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = str(self.cleaned_data["old_password"])
        if not reauthenticate(self.request, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=OrgRole.choices, initial=OrgRole.RECORDER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrgRole.choices)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 12 characters; not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned

"""Sign in, second factor, sign out, the person's own account, and a steward's members pages.

Signing in is two steps: the password (through django-axes, which throttles and locks out), then
the TOTP code or a recovery code. The session key is renewed after each step.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import (
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
    redirect_to_login,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from balise.accounts import emails, selectors, services
from balise.accounts.access import member_required, org_role_required, request_user
from balise.accounts.forms import (
    AcceptInvitationForm,
    BalisePasswordChangeForm,
    CodeForm,
    EnrolForm,
    InviteForm,
    LoginForm,
    ReauthForm,
    RoleForm,
    reauthenticate,
)
from balise.accounts.middleware import AUTH_STARTED_AT
from balise.accounts.models import Authenticator, OrgRole, User
from balise.audit.services import record_event

_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
RESET_EMAILS_PER_HOUR = 3  # per address, against inbox flooding (ASVS 2.4.1)


def _next_url(request: HttpRequest) -> str:
    """The page to go to after signing in, if it is on this site; the home page otherwise."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(resolve_url(settings.LOGIN_REDIRECT_URL))


def _with_next(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")


def _is_verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def _second_factor_step(request: HttpRequest, next_url: str) -> HttpResponse | None:
    """Where a password-authenticated person goes next, or None when no second factor is due."""
    user = request_user(request)
    if _is_verified(request):
        return None
    if selectors.has_authenticator(user):
        return _with_next("accounts:mfa_verify", next_url)
    if settings.REQUIRE_MFA:
        return _with_next("accounts:mfa_setup", next_url)
    return None


def _start_session(request: HttpRequest, user: User, *, method: str) -> None:
    auth_login(request, user, backend=_MODEL_BACKEND)  # renews the session key (ASVS 7.2.4)
    request.session[AUTH_STARTED_AT] = int(time.time())
    record_event("auth.login", request=request, actor=user, details={"method": method})


def _clip(value: str) -> str:
    """An attempted email for the audit log: bounded, printable."""
    return "".join(ch for ch in value if ch.isprintable())[:254]


# --- Sign in and out ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return _second_factor_step(request, next_url) or redirect(next_url)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            _start_session(request, user, method="password")
            return _second_factor_step(request, next_url) or redirect(next_url)
        attempted = _clip(request.POST.get("username", "").strip().lower())
        record_event("auth.login_failed", request=request, details={"email": attempted})
        if getattr(request, "axes_locked_out", False):
            # AxesMiddleware turns this response into the lockout page (429).
            record_event("auth.lockout", request=request, details={"email": attempted})
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_event("auth.logout", request=request)
    auth_logout(request)  # flushes the session: its key no longer opens anything
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")


@require_POST
@member_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    services.user_logout_everywhere(user=request_user(request), request=request)
    auth_logout(request)
    messages.success(request, _("You are signed out on every device."))
    return redirect("accounts:login")


# --- Second factor -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = _next_url(request)
    if _is_verified(request):
        return redirect(next_url)
    user = request_user(request)
    if not selectors.has_authenticator(user):
        return _with_next("accounts:mfa_setup", next_url)
    form = CodeForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = services.mfa_check(user=user, code=form.cleaned_data["code"], request=request)
        if result.device is not None:
            otp_login(request, result.device)
            request.session.cycle_key()  # fully signed in now: a fresh session key
            if result.used_recovery_code:
                left = services.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d left. If you lost your "
                        "phone, set up a new authenticator from My account."
                    )
                    % {"left": left},
                )
            return redirect(next_url)
        if result.throttled:
            form.add_error(None, _("Too many wrong codes. Wait a minute, then try again."))
        else:
            form.add_error("code", _("This code is not valid. Codes can be used only once."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


def _qr_data_uri(device: Authenticator) -> str:
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def _secret_text(device: Authenticator) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password", "code")
@never_cache
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app; replacing one needs the second factor and the password."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request_user(request)
    next_url = _next_url(request)
    replacing = selectors.has_authenticator(user)
    if replacing and not _is_verified(request):
        return _with_next("accounts:mfa_verify", next_url)
    device = services.totp_device_pending(user=user)
    form = EnrolForm(
        data=request.POST if request.method == "POST" else None, require_password=replacing
    )
    if request.method == "POST" and form.is_valid():
        if replacing and not reauthenticate(request, form.cleaned_data["password"]):
            form.add_error("password", _("Your password is incorrect."))
        else:
            codes = services.mfa_enrol(
                user=user, device=device, code=form.cleaned_data["code"], request=request
            )
            if codes is None:
                form.add_error(
                    "code", _("This code is not valid. Check the time on your phone and retry.")
                )
            else:
                otp_login(request, device)
                request.session.cycle_key()
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {"codes": codes, "next": next_url, "just_enrolled": True},
                )
    context = {
        "form": form,
        "next": next_url,
        "qr_data_uri": _qr_data_uri(device),
        "secret": _secret_text(device),
        "replacing": replacing,
        "optional": not settings.REQUIRE_MFA and not replacing,
    }
    return render(request, "accounts/mfa_setup.html", context)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@member_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; new ones (shown once) after re-entering the password."""
    user = request_user(request)
    form = ReauthForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if reauthenticate(request, form.cleaned_data["password"]):
            codes = services.recovery_codes_regenerate(user=user, request=request)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": reverse("accounts:account"), "just_enrolled": False},
            )
        form.add_error("password", _("Your password is incorrect."))
    context = {
        "form": form,
        "left": services.recovery_codes_left(user=user),
        "has_authenticator": selectors.has_authenticator(user),
    }
    return render(request, "accounts/recovery_codes_form.html", context)


# --- The person's own account ------------------------------------------------------------------


@require_GET
@member_required
def account(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    context = {
        "account": user,
        "has_authenticator": selectors.has_authenticator(user),
        "mfa_verified": _is_verified(request),
        "recovery_codes_left": services.recovery_codes_left(user=user),
    }
    return render(request, "accounts/account.html", context)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@member_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = BalisePasswordChangeForm(
        request, data=request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():  # the new password and the revoked tokens go together
            user = form.save()
            services.user_password_changed(user=user, reset=False, request=request)
        # Other sessions die with the old password hash; this one continues under a new key.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Password reset (Django's views, audited; no sign-in afterwards, so MFA still applies) ------


class BalisePasswordResetView(PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = _clip(str(form.cleaned_data["email"]).lower())
        known = next(iter(form.get_users(email)), None)
        flooded = services.password_reset_requests_recently(email=email) >= RESET_EMAILS_PER_HOUR
        record_event(
            "auth.password_reset_requested",
            request=self.request,
            actor=known,
            object_type="user" if known else "",
            object_id=known.pk if known else "",
            details={"email": email, "sent": bool(known) and not flooded},
        )
        if flooded:
            # Same answer as always (no enumeration), but no more email to that inbox this hour.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class BalisePasswordResetConfirmView(PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False  # the next sign-in asks for the password and the second factor

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        with transaction.atomic():  # the new password and the revoked tokens go together
            response = super().form_valid(form)
            services.user_password_changed(user=form.user, reset=True, request=self.request)
        return response


# Django's class-based views would treat PUT like POST (and answer any method on a bad link):
# the method filter comes first, as on every other view.
_GET_POST = require_http_methods(["GET", "POST"])
password_reset = _GET_POST(BalisePasswordResetView.as_view())
password_reset_done = require_GET(
    PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = _GET_POST(BalisePasswordResetConfirmView.as_view())
password_reset_complete = require_GET(
    PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


# --- A steward's members pages -----------------------------------------------------------------


@require_GET
@org_role_required(OrgRole.STEWARD)
def members(request: HttpRequest) -> HttpResponse:
    steward = request_user(request)
    context = {
        "members": list(selectors.organisation_members(steward)),
        "invitations": list(selectors.pending_invitations(steward)),
        "roles": OrgRole.choices,
        "organisation": steward.organisation,
    }
    return render(request, "accounts/members.html", context)


@require_http_methods(["GET", "POST"])
@org_role_required(OrgRole.STEWARD)
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.invitation_create(
                actor=request_user(request),
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except services.AccountError as exc:
            form.add_error("email", str(exc))
        else:
            emails.send_invitation(request, issued)
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": issued.invitation.email},
            )
            return redirect("accounts:members")
    return render(request, "accounts/invite.html", {"form": form})


@require_POST
@org_role_required(OrgRole.STEWARD)
def member_set_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_of(request_user(request), pk)
    form = RoleForm(data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role: recorder or steward."))
        return redirect("accounts:members")
    try:
        services.member_set_role(
            actor=request_user(request),
            member=member,
            role=form.cleaned_data["role"],
            request=request,
        )
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The role of %(email)s is changed.") % {"email": member.email})
    return redirect("accounts:members")


@require_POST
@org_role_required(OrgRole.STEWARD)
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """First POST: a confirmation page; the confirmation's POST (``confirm=yes``) deactivates."""
    member = selectors.member_of(request_user(request), pk)
    if request.POST.get("confirm") != "yes":
        return render(request, "accounts/member_deactivate.html", {"member": member})
    try:
        services.member_deactivate(actor=request_user(request), member=member, request=request)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(email)s is deactivated.") % {"email": member.email})
    return redirect("accounts:members")


@require_POST
@org_role_required(OrgRole.STEWARD)
def member_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_of(request_user(request), pk)
    try:
        services.member_reactivate(actor=request_user(request), member=member, request=request)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(email)s is active again.") % {"email": member.email})
    return redirect("accounts:members")


@require_POST
@org_role_required(OrgRole.STEWARD)
def member_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_of(request_user(request), pk)
    try:
        services.member_reset_mfa(actor=request_user(request), member=member, request=request)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The second factor of %(email)s is removed; they set up a new one at next sign-in.")
            % {"email": member.email},
        )
    return redirect("accounts:members")


@require_POST
@org_role_required(OrgRole.STEWARD)
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_of(request_user(request), pk)
    try:
        services.invitation_revoke(
            actor=request_user(request), invitation=invitation, request=request
        )
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation is revoked."))
    return redirect("accounts:members")


@require_POST
@member_required
def invitation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A steward of the organisation, or a second administrator, approves an administrator's
    steward invitation; the invitee then gets the link."""
    user = request_user(request)
    if user.is_administrator:
        invitation = selectors.any_invitation(pk)
        back = reverse("network:steward_invite", args=[invitation.organisation_id])
    elif user.is_steward:
        invitation = selectors.invitation_of(user, pk)
        back = reverse("accounts:members")
    else:
        record_event(
            "authz.denied",
            request=request,
            object_type="url",
            object_id="accounts:invitation_approve",
            details={"reason": "steward or administrator", "method": "POST"},
        )
        raise PermissionDenied("steward or administrator")
    try:
        issued = services.invitation_approve(actor=user, invitation=invitation, request=request)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        emails.send_invitation(request, issued)
        messages.success(
            request,
            _("Approved: the invitation link is sent to %(email)s.")
            % {"email": issued.invitation.email},
        )
    return redirect(back)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee sets their name and password, is signed in, then enrols their second factor."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("password1", exc)
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            _start_session(request, user, method="invitation")
            messages.success(request, _("Welcome to Balise. Now protect your account."))
            return redirect("accounts:mfa_setup")
    context = {"form": form, "invitation": invitation}
    return render(request, "accounts/invitation_accept.html", context)

"""Sign in, second factor and sign out."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.forms import OTPTokenForm

from balise.audit.services import record_event

login_view = LoginView.as_view(
    template_name="accounts/login.html", redirect_authenticated_user=True
)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_event("auth.logout", request=request)
    logout(request)
    return redirect("core:home")


@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    form = OTPTokenForm(request.user, request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.get_user().otp_device)  # set by OTPTokenForm.clean
        record_event("auth.mfa_verified", request=request)
        return redirect("core:home")
    return render(request, "accounts/mfa_verify.html", {"form": form})

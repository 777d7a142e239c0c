"""The account page where people create, list and revoke their API tokens, and the API docs page
(signed-in people only; the OpenAPI document itself is public, it holds no data)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from ninja.openapi.views import openapi_view

from balise.accounts.access import member_required
from balise.api.forms import TokenCreateForm
from balise.api.models import ApiToken
from balise.api.tokens import MAX_TOKENS_PER_USER, token_create, token_revoke
from balise.audit.services import record_event


def _session_verified(request: HttpRequest) -> bool:
    """Tokens outlive the session, so they need a second factor even where MFA is optional."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


@require_http_methods(["GET", "POST"])
@member_required
def token_list(request: HttpRequest) -> HttpResponse:
    verified = _session_verified(request)
    tokens = ApiToken.objects.owned_by(request.user)
    form = TokenCreateForm(request.POST or None)
    created: str | None = None
    if request.method == "POST":
        if not verified:
            record_event(
                "authz.denied",
                request=request,
                object_type="url",
                object_id="api_tokens:list",
                details={"reason": "mfa not verified", "method": "POST"},
            )
            raise PermissionDenied("a verified second factor is required")
        live = tokens.filter(revoked_at__isnull=True).count()
        if live >= MAX_TOKENS_PER_USER:
            form.add_error(None, _("You already have the maximum number of active tokens."))
        elif form.is_valid():
            _token, created = token_create(
                user=request.user,
                label=form.cleaned_data["label"],
                expires_in_days=form.expires_in_days(),
                request=request,
            )
            form = TokenCreateForm()
    context = {"tokens": tokens, "form": form, "created": created, "verified": verified}
    return render(request, "api/token_list.html", context, status=201 if created else 200)


@require_POST
@member_required
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.owned_by(request.user), pk=pk)
    token_revoke(token=token, request=request)
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("api_tokens:list")


@require_GET
def api_index(request: HttpRequest) -> JsonResponse:
    """/api/v1/: where things are (public; ninja's own root view only answers 404)."""
    return JsonResponse(
        {
            "version": "1",
            "openapi": reverse("api:openapi-json"),
            "docs": reverse("api_tokens:docs"),
            "dictionary": reverse("api:dictionary_index"),
            "situations": reverse("api:situation_list"),
        }
    )


@require_GET
@member_required
def api_docs(request: HttpRequest) -> HttpResponse:
    from balise.api.routes import api

    return openapi_view(request, api=api)

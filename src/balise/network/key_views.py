"""The network secret handed out in the app, without the server ever holding it in clear.

- administrators appoint the key custodian(s) and see which organisations have an unlock code;
- the custodian creates the secret in the browser (``network-secret-custodian.js``) and posts
  only its key identifier, then one wrapped copy per organisation;
- a steward may replace their own organisation's unlock code (a lost code or device).

The bodies posted here never hold the secret or an unlock code: the wrap is AES-GCM ciphertext
made in the browser. See docs/privacy.md, "Handing out the network secret".
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import (
    deny,
    org_role_required,
    platform_role_required,
    request_user,
)
from balise.accounts.models import Organisation, OrgRole, PlatformRole, User
from balise.network import selectors, services
from balise.network.unlock import STORAGE_KEY, unlock_messages


@require_http_methods(["GET", "POST"])
@platform_role_required(PlatformRole.ADMIN)
def secret_admin(request: HttpRequest) -> HttpResponse:
    """Who the key custodians are, and which organisations can unlock the current secret."""
    if request.method == "POST":
        target = get_object_or_404(User, pk=request.POST.get("user") or 0)
        try:
            if request.POST.get("action") == "remove":
                services.key_custodian_remove(
                    actor=request_user(request), user=target, request=request
                )
                messages.success(
                    request, _("%(email)s is no longer a key custodian.") % {"email": target.email}
                )
            else:
                services.key_custodian_appoint(
                    actor=request_user(request), user=target, request=request
                )
                messages.success(
                    request, _("%(email)s is now a key custodian.") % {"email": target.email}
                )
        except services.NetworkError as exc:
            messages.error(request, str(exc))
        return redirect("network:secret_admin")
    context = {
        "tab": "secret",
        "current": selectors.current_network_key(),
        "custodians": selectors.key_custodians(),
        "candidates": selectors.stewards_for_custody(),
        "overview": selectors.unlock_overview(),
    }
    return render(request, "network/secret_admin.html", context)


@require_GET
@org_role_required(OrgRole.STEWARD)
def secret_custodian(request: HttpRequest) -> HttpResponse:
    """The custodian's page; other stewards learn who the custodian is."""
    user = request_user(request)
    current = selectors.current_network_key()
    context = {
        "is_custodian": selectors.is_key_custodian(user),
        "custodians": selectors.key_custodians(),
        "current": current,
        "overview": selectors.unlock_overview(),
        "storage_key": STORAGE_KEY,
        "network_key_id": current.key_id if current else "",
        "iterations": services.MIN_ITERATIONS,
        "messages_json": unlock_messages(),
    }
    return render(request, "network/secret_custodian.html", context)


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
@org_role_required(OrgRole.STEWARD)
def secret_publish(request: HttpRequest) -> HttpResponse:
    """A custodian records a new secret version by its key identifier."""
    user = request_user(request)
    if not selectors.is_key_custodian(user):
        deny(request, "key custodian")
    try:
        key = services.network_key_publish(
            actor=user, key_id=request.POST.get("key_id", ""), request=request
        )
    except services.NetworkError as exc:
        return _json_error(str(exc))
    return JsonResponse({"key_id": key.key_id})


@require_POST
@org_role_required(OrgRole.STEWARD)
def secret_wrap(request: HttpRequest) -> HttpResponse:
    """Keep one organisation's wrapped secret (custodian: any organisation; steward: their own)."""
    user = request_user(request)
    organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation") or 0)
    if organisation.pk != user.organisation_id and not selectors.is_key_custodian(user):
        deny(request, "key custodian")
    try:
        document = json.loads(request.POST.get("wrapped", ""))
    except ValueError:
        return _json_error(_("This is not a wrapped network secret."))
    try:
        wrap = services.wrapped_secret_store(
            actor=user, organisation=organisation, wrapped=document, request=request
        )
    except services.NetworkError as exc:
        return _json_error(str(exc))
    return JsonResponse({"organisation": organisation.pk, "key_id": wrap.network_key.key_id})

"""The device-secret page: a member enters the network secret on this device.

The page has no form that posts: the secret is read and kept by ``identity-secret.js`` in the
browser's storage, never sent. The server only renders the page and its translated texts.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from balise.accounts.access import org_role_required
from balise.accounts.models import OrgRole
from balise.situations.identity_step import STORAGE_KEY, no_identity_in_query, setup_messages


@require_GET
@org_role_required(OrgRole.RECORDER)
@no_identity_in_query
def device_secret(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "situations/device_secret.html",
        {"messages_json": setup_messages(), "storage_key": STORAGE_KEY},
    )

"""The device-secret page: a member enters the network secret on this device.

The page has no form that posts: the secret is unlocked with the organisation's code (or read
from a file) and kept by ``identity-secret.js`` in the browser's storage, never sent. The server
only renders the page, the organisation's wrapped secret and the translated texts.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from balise.accounts.access import org_role_required
from balise.accounts.models import OrgRole, User
from balise.network.unlock import unlock_context
from balise.situations.identity_step import STORAGE_KEY, no_identity_in_query, setup_messages


@require_GET
@org_role_required(OrgRole.RECORDER)
@no_identity_in_query
def device_secret(request: HttpRequest) -> HttpResponse:
    organisation_id = request.user.organisation_id if isinstance(request.user, User) else None
    return render(
        request,
        "situations/device_secret.html",
        {
            "messages_json": setup_messages(),
            "storage_key": STORAGE_KEY,
            "unlock": unlock_context(organisation_id),
        },
    )

"""On-device identity encoding: what the recording form and the device-secret page hand to the
browser (translated texts, the storage key, the hidden fields' values).

The server never sees a name, a birth date or the network secret: the browser modules
``identity-form.js`` and ``identity-secret.js`` do the work; this module only renders their texts
through gettext (there is no JavaScript translation build).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from balise.accounts.models import User
from balise.network.unlock import STORAGE_KEY as STORAGE_KEY
from balise.network.unlock import unlock_context
from balise.situations.models import Situation
from balise.situations.services import refuse_identity_fields
from balise.situations.validation import IDENTITY_FIELDS, SituationValidationError


def form_messages() -> dict[str, str]:
    """Texts of the identity step; ``%(key)s``-style placeholders are filled in the browser."""
    return {
        "ready": _(
            "This device holds the network secret (key %(key)s). Fill in what you know: it is "
            "encoded when you leave a field."
        ),
        "encoded": _(
            "Encoded with key %(key)s (version %(version)s); the name stays on this device."
        ),
        "stored": _(
            "An encoding is stored (version %(version)s, key %(key)s). Fill in the identity to "
            "replace it; leave it empty to keep it."
        ),
        "birth_date_format": _(
            "Write the birth date as YYYY-MM-DD or DD/MM/YYYY, or only YYYY-MM or the year, or "
            "DD/MM without a year."
        ),
        "birth_date_invalid": _(
            "This birth date does not exist, or its year is not between 1900 and 2199."
        ),
        "birth_date_future": _("The birth date cannot be in the future."),
        "keep_plausible": _("Keep the plausible part (%(kept)s)"),
        "keep_nothing": _("Leave the birth date out (no part of it is plausible)"),
        "kept_year_pair": _("%(year)s, with %(low)s and %(high)s as day and month in either order"),
        "kept_pair": _("%(low)s and %(high)s as day and month in either order"),
        "kept_note": _("Only the plausible part of the birth date is encoded: %(kept)s."),
        "kept_nothing_note": _("The birth date is left out: no part of it is plausible."),
        "failed": _("The identity could not be encoded. Check the fields and try again."),
        "secret_damaged": _(
            "The network secret kept on this device is damaged. Enter it again on the "
            "device-secret page."
        ),
        "wrong_network": _(
            "This device holds key %(device)s, but the network now uses key %(network)s: "
            "encodings made here would not match. Unlock the current secret below."
        ),
        "other_key": _(
            "The stored encoding was made with key %(stored)s, this device holds key "
            "%(device)s: a new encoding would not match the others. Ask your steward which "
            "secret is current."
        ),
    }


def setup_messages() -> dict[str, str]:
    return {
        "missing": _("No network secret on this device. Identities cannot be encoded here."),
        "set": _("The network secret is set on this device (key %(key)s, version %(version)s)."),
        "saved": _(
            "Saved on this device only (key %(key)s, version %(version)s). You can now encode "
            "identities in the recording form."
        ),
        "removed": _("The network secret was removed from this device."),
        "wrong_network": _(
            "This device holds key %(device)s, but the network now uses key %(network)s: "
            "encodings made here would not match the others. Unlock the current secret with "
            "your organisation's code."
        ),
        "file_ready": _(
            "File read: key %(key)s. Press “Keep on this device” to keep it on this device."
        ),
        "stored_damaged": _(
            "The secret kept on this device is damaged. Remove it and enter it again."
        ),
        "empty": _("Paste the content of the secret file, or choose the file."),
        "not_a_secret": _(
            "This is not a Balise secret file. Use the file written by “balise secret new”."
        ),
        "damaged": _(
            "This secret file is damaged: its key identifier does not match the secret. Ask "
            "your steward for an intact copy."
        ),
        "unsupported": _("This secret file has a format this version of Balise does not know."),
        "storage_unavailable": _(
            "This browser does not allow Balise to keep data on this device (private mode or "
            "blocked storage)."
        ),
    }


def identity_context(
    values: Mapping[str, Any], situation: Situation | None, *, organisation_id: int | None = None
) -> dict[str, Any]:
    """What the identity step renders: the hidden fields (kept across a re-rendered form), the
    stored encoding's version and key identifier when editing, and the organisation's wrapped
    secret with the network's current key identifier (the unlock step)."""
    hidden = {name: str(values.get(name) or "") for name in IDENTITY_FIELDS}
    stored = situation is not None and situation.has_identity
    return {
        "hidden": hidden,
        "stored_key_id": situation.identity_key_id if stored and situation else "",
        "stored_version": situation.identity_version if stored and situation else "",
        "messages": form_messages(),
        "storage_key": STORAGE_KEY,
        "unlock": unlock_context(organisation_id),
    }


def refuse_identity_keys(request: HttpRequest, *also: str) -> None:
    """Refuse (audited) a request whose query, form fields or files carry an identity-like name.

    Raises ``SituationValidationError``; ``also`` adds names the request refers to otherwise.
    """
    keys = [*request.GET.keys(), *request.POST.keys(), *request.FILES.keys(), *also]
    actor = request.user if isinstance(request.user, User) else None
    refuse_identity_fields(actor=actor, keys=keys, channel="form", request=request)


def no_identity_in_query(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages without a form: a name or birth date in the query string is refused (400).

    Put it under the access decorators, so that only allowed people reach the audit.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            refuse_identity_keys(request)
        except SituationValidationError as error:
            return HttpResponseBadRequest(
                error.issues[0].message, content_type="text/plain; charset=utf-8"
            )
        return view(request, *args, **kwargs)

    return wrapper

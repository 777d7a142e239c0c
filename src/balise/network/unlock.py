"""What the browser needs to unlock the network secret on a device: the organisation's wrapped
copy, the network's current key identifier, and the translated texts of the scripts.

The server hands out ciphertext and key identifiers only; the unlock code and the secret stay in
the browser (``network-secret.js``).
"""

from __future__ import annotations

from typing import Any, Final

from django.utils.translation import gettext as _

from balise.network import selectors

# The localStorage key under which a device keeps the network secret file's text.
STORAGE_KEY: Final = "balise.network-secret"


def unlock_messages() -> dict[str, str]:
    """Texts of the unlock step and of the custodian page; placeholders are filled in JS."""
    return {
        "code_empty": _("Type the unlock code your steward gave you."),
        "code_format": _(
            "An unlock code has 20 letters and digits, usually written in four groups of five."
        ),
        "code_wrong": _(
            "This code does not open your organisation's secret. Check it with your steward: a "
            "code is replaced when the secret changes or a device is lost."
        ),
        "no_wrap": _(
            "Your organisation has no unlock code for the network's current secret yet. Ask "
            "your steward."
        ),
        "unlocking": _("Unlocking… (this takes a second or two on purpose)"),
        "unlocked": _(
            "Unlocked: the network secret (key %(key)s) is now kept on this device. Balise "
            "never received it."
        ),
        "wrong_network": _(
            "This device holds key %(device)s, but the network now uses key %(network)s: "
            "encodings made here would not match. Unlock the current secret with your "
            "organisation's code."
        ),
        "storage_unavailable": _(
            "This browser does not allow Balise to keep data on this device (private mode or "
            "blocked storage)."
        ),
        "creating": _("Creating the secret on this device…"),
        "created": _(
            "New network secret created on this device (key %(key)s). Now create an unlock code "
            "for each organisation."
        ),
        "confirm_needed": _(
            "Tick the box to confirm that you start a new version of the network secret."
        ),
        "need_secret": _(
            "This device does not hold the network's current secret, so it cannot wrap it. "
            "Unlock it first."
        ),
        "wrapping": _("Wrapping the secret for %(organisation)s…"),
        "code_for": _(
            "Unlock code for %(organisation)s (shown only now; Balise does not keep it): "
            "%(code)s. Give it to the organisation's steward in person or by phone."
        ),
        "failed": _("Balise could not save this. Reload the page and try again."),
    }


def unlock_context(organisation_id: int | None) -> dict[str, Any]:
    """The organisation's wrapped secret (or None) and the network's current key identifier."""
    current = selectors.current_network_key()
    wrap = selectors.organisation_unlock(organisation_id)
    return {
        "network_key_id": current.key_id if current else "",
        "wrapped": wrap.wrapped if wrap else None,
        "messages": unlock_messages(),
        "storage_key": STORAGE_KEY,
    }

"""System check: the key that seals TOTP seeds at rest (``BALISE_MFA_KEY``) is usable.

Presence is enforced by the settings in production; this catches a malformed value (not base64,
not 32 bytes) when the site starts or `manage.py check` runs, instead of at the first sign-in.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def check_mfa_seed_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from balise.accounts import seeds

    try:
        seeds._key()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="balise.accounts.E001")]
    return []

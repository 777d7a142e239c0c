"""Server keys kept outside the database (notes, TOTP seeds, identity encodings): one reader.

Each key is base64 of 32 bytes (AES-256), from the environment or a ``*_FILE`` (settings.py);
a malformed one stops the site with a message naming its variable.
"""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured


def aes256_key(value: str, variable: str) -> bytes:
    """The 32 key bytes of `value` (base64), or ImproperlyConfigured naming `variable`."""
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{variable} must be base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{variable} must hold 32 bytes (AES-256)")
    return key

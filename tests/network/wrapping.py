"""Test helpers for the wrapped network secret: the browser's wrap, made in Python.

``wrap_secret`` (balise.network.wrapping) follows network-secret.js exactly (PBKDF2-SHA256 →
AES-256-GCM, the key
identifier as associated data), so a browser can unlock what a test stored, and a test can
open what a browser stored.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from balise.network.services import MIN_ITERATIONS
from balise.network.wrapping import unwrap_secret as unwrap_secret
from balise.network.wrapping import wrap_secret as _wrap_secret

CODE = "K7Q2M-9XR4T-B8W3N-C6V5P"  # a well-formed unlock code (Crockford base32)


def wrap_secret(secret_text: str, key_id: str, code: str = CODE) -> dict[str, Any]:
    return _wrap_secret(secret_text, key_id, code)


def shaped_wrap(key_id: str) -> dict[str, Any]:
    """A document of the right shape (random bytes, no real secret): for access tests."""
    return {
        "format": "balise-wrapped-secret",
        "version": 1,
        "key_id": key_id,
        "kdf": "PBKDF2-SHA256",
        "iterations": MIN_ITERATIONS,
        "salt": base64.b64encode(os.urandom(16)).decode(),
        "cipher": "AES-256-GCM",
        "iv": base64.b64encode(os.urandom(12)).decode(),
        "ciphertext": base64.b64encode(os.urandom(180)).decode(),
    }


def wrapped_json(key_id: str) -> str:
    return json.dumps(shaped_wrap(key_id))

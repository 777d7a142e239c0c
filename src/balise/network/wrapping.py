"""The browser's wrap of the network secret (network-secret.js), made in Python for the demo.

Only ``balise demo`` uses it: a demo network's secret and unlock code are published on purpose,
so the demo can show the unlock step. A real network's secret is wrapped in the custodian's
browser and never reaches the server in clear (docs/privacy.md, "Handing out the network secret").
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from balise.network.services import MIN_ITERATIONS, WRAPPED_FORMAT


def normalise_code(code: str) -> bytes:
    """As the browser reads a typed code: capitals, no spaces or dashes, O as 0, I and L as 1."""
    text = code.upper().replace("-", "").replace(" ", "")
    return text.replace("O", "0").replace("I", "1").replace("L", "1").encode("ascii")


def _key(code: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(normalise_code(code))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _aad(key_id: str) -> bytes:
    return f"{WRAPPED_FORMAT}:v1:{key_id}".encode()


def wrap_secret(secret_text: str, key_id: str, code: str) -> dict[str, Any]:
    salt, iv = os.urandom(16), os.urandom(12)
    ciphertext = AESGCM(_key(code, salt, MIN_ITERATIONS)).encrypt(
        iv, secret_text.encode(), _aad(key_id)
    )
    return {
        "format": WRAPPED_FORMAT,
        "version": 1,
        "key_id": key_id,
        "kdf": "PBKDF2-SHA256",
        "iterations": MIN_ITERATIONS,
        "salt": _b64(salt),
        "cipher": "AES-256-GCM",
        "iv": _b64(iv),
        "ciphertext": _b64(ciphertext),
    }


def unwrap_secret(wrapped: dict[str, Any], code: str) -> str:
    key = _key(code, base64.b64decode(wrapped["salt"]), int(wrapped["iterations"]))
    plain = AESGCM(key).decrypt(
        base64.b64decode(wrapped["iv"]),
        base64.b64decode(wrapped["ciphertext"]),
        _aad(wrapped["key_id"]),
    )
    return plain.decode()

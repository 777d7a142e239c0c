"""Test helpers for the wrapped network secret: the browser's wrap, made in Python.

``wrap_secret`` follows network-secret.js exactly (PBKDF2-SHA256 → AES-256-GCM, the key
identifier as associated data), so a browser can unlock what a test stored, and a test can
open what a browser stored.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from balise.network.services import MIN_ITERATIONS

CODE = "K7Q2M-9XR4T-B8W3N-C6V5P"  # a well-formed unlock code (Crockford base32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _normalise(code: str) -> bytes:
    return code.upper().replace("-", "").replace(" ", "").encode("ascii")


def _key(code: str, salt: bytes, iterations: int) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(_normalise(code))


def wrap_secret(secret_text: str, key_id: str, code: str = CODE) -> dict[str, Any]:
    salt, iv = os.urandom(16), os.urandom(12)
    aad = f"balise-wrapped-secret:v1:{key_id}".encode()
    ciphertext = AESGCM(_key(code, salt, MIN_ITERATIONS)).encrypt(iv, secret_text.encode(), aad)
    return {
        "format": "balise-wrapped-secret",
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
    aad = f"balise-wrapped-secret:v1:{wrapped['key_id']}".encode()
    key = _key(code, base64.b64decode(wrapped["salt"]), int(wrapped["iterations"]))
    plain = AESGCM(key).decrypt(
        base64.b64decode(wrapped["iv"]), base64.b64decode(wrapped["ciphertext"]), aad
    )
    return plain.decode()


def shaped_wrap(key_id: str) -> dict[str, Any]:
    """A document of the right shape (random bytes, no real secret): for access tests."""
    return {
        "format": "balise-wrapped-secret",
        "version": 1,
        "key_id": key_id,
        "kdf": "PBKDF2-SHA256",
        "iterations": MIN_ITERATIONS,
        "salt": _b64(os.urandom(16)),
        "cipher": "AES-256-GCM",
        "iv": _b64(os.urandom(12)),
        "ciphertext": _b64(os.urandom(180)),
    }


def wrapped_json(key_id: str) -> str:
    return json.dumps(shaped_wrap(key_id))

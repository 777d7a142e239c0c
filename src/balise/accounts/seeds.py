"""TOTP seeds sealed at rest with AES-256-GCM, like the situations' notes.

The key (``settings.MFA_SEED_KEY``, from ``BALISE_MFA_KEY``: base64 of 32 bytes) lives outside
the database, so a copy of the database alone gives no one the codes of anyone's authenticator.
The associated data binds a sealed seed to its user: copied onto another person's device (by
someone who can write to the database) it does not open.
Stored in django-otp's ``key`` column (80 characters): ``v1:`` + base64(nonce, ciphertext, tag).
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from balise.core.keys import aes256_key

PREFIX: Final = "v1:"
NONCE_BYTES: Final = 12


class SeedIntegrityError(Exception):
    """The stored seed does not open: not sealed, wrong key, moved from another user, tampered."""


def _key() -> bytes:
    return aes256_key(settings.MFA_SEED_KEY, "BALISE_MFA_KEY")


def _associated_data(user_id: int) -> bytes:
    return f"balise:totp-seed:v1:user={user_id}".encode()


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal_seed(seed: bytes, *, user_id: int) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key()).encrypt(nonce, seed, _associated_data(user_id))
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def open_seed(stored: str, *, user_id: int) -> bytes:
    if not is_sealed(stored):
        raise SeedIntegrityError("the seed is not sealed")
    try:
        blob = base64.b64decode(stored[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SeedIntegrityError("the sealed seed is not base64") from exc
    nonce, sealed = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
    try:
        return AESGCM(_key()).decrypt(nonce, sealed, _associated_data(user_id))
    except InvalidTag as exc:
        raise SeedIntegrityError("the seed does not authenticate") from exc

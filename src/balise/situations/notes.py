"""Free-text notes encrypted at rest with AES-256-GCM (authenticated encryption).

The key (``settings.NOTES_KEY``, base64 of 32 bytes) lives outside the database. The associated
data binds a ciphertext to its organisation and situation, so a ciphertext copied onto another
row, or another organisation's row, fails to decrypt instead of being shown there.
Stored layout: one format byte (1), a 12-byte random nonce, then ciphertext and 16-byte tag.
"""

from __future__ import annotations

import os
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from balise.core.keys import aes256_key

FORMAT_V1: Final = 1
NONCE_BYTES: Final = 12
MAX_NOTE_CHARS: Final = 4000


class NoteIntegrityError(Exception):
    """The stored note does not decrypt: wrong key, moved ciphertext or tampering."""


def _key() -> bytes:
    return aes256_key(settings.NOTES_KEY, "BALISE_NOTES_KEY")


def associated_data(organisation_id: int, situation_id: int) -> bytes:
    return f"balise:situation-note:v1:org={organisation_id}:situation={situation_id}".encode()


def encrypt_note(text: str, *, organisation_id: int, situation_id: int) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key()).encrypt(
        nonce, text.encode("utf-8"), associated_data(organisation_id, situation_id)
    )
    return bytes([FORMAT_V1]) + nonce + sealed


def decrypt_note(blob: bytes, *, organisation_id: int, situation_id: int) -> str:
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != FORMAT_V1:
        raise NoteIntegrityError("unknown note format")
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        plain = AESGCM(_key()).decrypt(
            nonce, sealed, associated_data(organisation_id, situation_id)
        )
    except InvalidTag as exc:
        raise NoteIntegrityError("the note does not authenticate") from exc
    return plain.decode("utf-8")

"""Identity encodings encrypted at rest (AES-256-GCM) under a key held outside the database.

A stolen copy of the database must not hold the encodings themselves: they are what the attacks
on Bloom-filter encodings work on (docs/privacy.md, "Defence in depth on the server"). The
server key (``settings.ENCODINGS_KEY``, base64 of 32 bytes) never enters the database; two keys
are derived from it, one to encrypt and one to check equality without decrypting:

- ``identity_ciphertext``: format byte (1), 12-byte random nonce, ciphertext of the encoding's
  raw bytes and the 16-byte tag. The associated data binds it to its organisation, spec version
  and key identifier, so a ciphertext copied to another organisation's row, or relabelled with
  another version or key, fails to decrypt. The same encoding gives a different ciphertext on
  every write.
- ``identity_digest``: a 16-byte random salt, then HMAC-SHA256(mac key, salt + raw bytes). The
  import's "row unchanged" rule and the "an empty encoding keeps the stored one" rule compare a
  new encoding with the stored one through it. The salt is per row, so two rows holding the same
  encoding do not have the same digest: the digest reveals nothing a thief could compare.

Encodings are decrypted in one place only, the linkage run (``balise.observatory.runs``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from balise.core.keys import aes256_key

if TYPE_CHECKING:
    from balise.situations.models import Situation

FORMAT_V1: Final = 1
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16
SALT_BYTES: Final = 16
SETTING: Final = "BALISE_ENCODINGS_KEY"
# Columns that hold an identity (all four are written together, or none).
STORED_COLUMNS: Final = (
    "identity_ciphertext",
    "identity_digest",
    "identity_version",
    "identity_key_id",
)


class EncodingIntegrityError(Exception):
    """A stored encoding does not decrypt: wrong server key, moved ciphertext or tampering."""


@lru_cache(maxsize=4)
def _derived(setting_value: str) -> tuple[AESGCM, bytes]:
    master = aes256_key(setting_value, SETTING)
    cipher_key = hmac.new(master, b"balise:identity-encoding:aes-256-gcm", hashlib.sha256)
    mac_key = hmac.new(master, b"balise:identity-encoding:digest", hashlib.sha256).digest()
    return AESGCM(cipher_key.digest()), mac_key


def _keys() -> tuple[AESGCM, bytes]:
    value = getattr(settings, "ENCODINGS_KEY", "")
    if not value:
        raise ImproperlyConfigured(f"{SETTING} (or {SETTING}_FILE) must be set")
    return _derived(str(value))


def associated_data(*, organisation_id: int, version: str, key_id: str) -> bytes:
    return (
        f"balise:identity-encoding:v1:org={organisation_id}:version={version}:key={key_id}"
    ).encode()


def raw_bytes(encoding: str) -> bytes:
    """The bytes of a validated base64 encoding (``validate_situation_data`` checked it)."""
    return base64.b64decode(encoding, validate=True)


def seal(encoding: str, *, organisation_id: int, version: str, key_id: str) -> tuple[bytes, bytes]:
    """``(ciphertext, digest)`` of a base64 encoding, for the row's two identity columns."""
    cipher, mac_key = _keys()
    raw = raw_bytes(encoding)
    nonce = os.urandom(NONCE_BYTES)
    sealed = cipher.encrypt(
        nonce,
        raw,
        associated_data(organisation_id=organisation_id, version=version, key_id=key_id),
    )
    salt = os.urandom(SALT_BYTES)
    return bytes([FORMAT_V1]) + nonce + sealed, salt + _mac(mac_key, salt, raw)


def _mac(mac_key: bytes, salt: bytes, raw: bytes) -> bytes:
    return hmac.new(mac_key, salt + raw, hashlib.sha256).digest()


def open_sealed(blob: bytes, *, organisation_id: int, version: str, key_id: str) -> bytes:
    """The raw bytes of a stored encoding. Only the linkage run calls this.

    Raises ``EncodingIntegrityError`` when it does not decrypt (a wrong ``BALISE_ENCODINGS_KEY``
    is the usual cause) and ``ImproperlyConfigured`` when the key is missing or malformed.
    """
    cipher, _mac_key = _keys()
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[0] != FORMAT_V1:
        raise EncodingIntegrityError("unknown format of a stored identity encoding")
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return cipher.decrypt(
            nonce,
            sealed,
            associated_data(organisation_id=organisation_id, version=version, key_id=key_id),
        )
    except InvalidTag as exc:
        raise EncodingIntegrityError(
            f"a stored identity encoding does not decrypt: {SETTING} is not the key it was "
            "encrypted with, or the row was altered"
        ) from exc


def open_situation(situation: Situation) -> bytes | None:
    """The raw bytes of a situation's encoding (None: no identity). Linkage runs only."""
    if situation.identity_ciphertext is None:
        return None
    return open_sealed(
        bytes(situation.identity_ciphertext),
        organisation_id=situation.organisation_id,
        version=situation.identity_version,
        key_id=situation.identity_key_id,
    )


def matches(digest: bytes | memoryview | None, encoding: str) -> bool:
    """Whether ``encoding`` (base64) is the one a stored ``digest`` was made of."""
    if digest is None:
        return False
    digest = bytes(digest)
    if len(digest) != SALT_BYTES + hashlib.sha256().digest_size:
        return False
    _cipher, mac_key = _keys()
    salt, expected = digest[:SALT_BYTES], digest[SALT_BYTES:]
    return hmac.compare_digest(_mac(mac_key, salt, raw_bytes(encoding)), expected)


def identity_changes(situation: Situation, encoding: str, version: str, key_id: str) -> list[str]:
    """Names of the identity fields a new encoding would change ([] for an empty encoding,
    which keeps the stored one)."""
    if not encoding:
        return []
    changed = []
    if not matches(situation.identity_digest, encoding):
        changed.append("identity_encoding")
    if situation.identity_version != version:
        changed.append("identity_version")
    if situation.identity_key_id != key_id:
        changed.append("identity_key_id")
    return changed


def store(situation: Situation, encoding: str, version: str, key_id: str) -> None:
    """Set the four identity columns of ``situation`` (its organisation must be set).

    An empty ``encoding`` clears them; the caller decides whether empty means "keep".
    """
    if not encoding:
        situation.identity_ciphertext = None
        situation.identity_digest = None
        situation.identity_version = ""
        situation.identity_key_id = ""
        return
    situation.identity_ciphertext, situation.identity_digest = seal(
        encoding, organisation_id=situation.organisation_id, version=version, key_id=key_id
    )
    situation.identity_version = version
    situation.identity_key_id = key_id

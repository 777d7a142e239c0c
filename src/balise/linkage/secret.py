"""The network secret: 256 random bits, a format version and a key identifier (docs/encoding.md §1).

The key identifier is derived from the secret, so a damaged or hand-edited file is detected, and
encodings made under different secrets are never compared.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Final

SECRET_FORMAT: Final = "balise-network-secret"  # noqa: S105 - a format name, not a password
SECRET_FORMAT_VERSION: Final = 1
SECRET_BYTES: Final = 32


class SecretError(ValueError):
    """The secret file cannot be used; the message says why (never the secret)."""


def _hmac(key: bytes, label: str) -> bytes:
    return hmac.new(key, label.encode("ascii"), hashlib.sha256).digest()


@dataclass(frozen=True, repr=False)
class NetworkSecret:
    secret: bytes

    def __repr__(self) -> str:  # never print the key material
        return f"NetworkSecret(key_id={self.key_id!r})"

    @property
    def key_id(self) -> str:
        return _hmac(self.secret, "balise:key-id").hex()[:16]

    def field_key(self, version: int, key_name: str) -> bytes:
        """The per-field derived key (field-specific keyed salting, docs/privacy.md)."""
        return _hmac(self.secret, f"balise:v{version}:field:{key_name}")

    def dumps(self) -> str:
        document = {
            "format": SECRET_FORMAT,
            "version": SECRET_FORMAT_VERSION,
            "key_id": self.key_id,
            "secret": self.secret.hex(),
        }
        return json.dumps(document, indent=2) + "\n"


def new_secret() -> NetworkSecret:
    return NetworkSecret(secrets.token_bytes(SECRET_BYTES))


def loads_secret(text: str) -> NetworkSecret:
    try:
        document = json.loads(text)
    except ValueError:
        raise SecretError("not a Balise secret file (not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != SECRET_FORMAT:
        raise SecretError("not a Balise secret file (format field missing)")
    if document.get("version") != SECRET_FORMAT_VERSION:
        raise SecretError(f"unsupported secret file version {document.get('version')!r}")
    raw = document.get("secret")
    if not isinstance(raw, str) or len(raw) != 2 * SECRET_BYTES:
        raise SecretError("the secret field must hold 64 hexadecimal digits")
    try:
        value = bytes.fromhex(raw)
    except ValueError:
        raise SecretError("the secret field must hold 64 hexadecimal digits") from None
    secret = NetworkSecret(value)
    if document.get("key_id") != secret.key_id:
        raise SecretError("the key_id does not match the secret (damaged or edited file)")
    return secret

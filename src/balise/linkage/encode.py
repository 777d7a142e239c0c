"""Keyed Bloom-filter encoding of one identity (docs/encoding.md §6).

Each token sets k bits in its field's segment at positions read from HMAC-SHA256(field key,
token). Token and field-value positions are cached: names have a small vocabulary, which is what
lets `balise encode` run at tens of thousands of records per second.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from balise.linkage.normalise import (
    BirthDate,
    date_tokens,
    first_name_forms,
    last_name_forms,
    name_tokens,
    parse_birth_date,
    parse_sex,
)
from balise.linkage.secret import NetworkSecret
from balise.linkage.spec import CURRENT, EncodingSpec, Segment

CACHE_LIMIT = 500_000


def token_positions(key: bytes, token: str, k: int, bits: int) -> list[int]:
    """§6: the first k big-endian 16-bit words of the HMAC, each modulo the segment size."""
    digest = hmac.new(key, token.encode("utf-8"), hashlib.sha256).digest()
    return [int.from_bytes(digest[2 * i : 2 * i + 2], "big") % bits for i in range(k)]


class _SegmentEncoder:
    """Turns the tokens of one field value into the bytes of its segment, with caches."""

    def __init__(self, spec: EncodingSpec, key: bytes, segment: Segment) -> None:
        self.spec = spec
        self.segment = segment
        self._mac = hmac.new(key, digestmod=hashlib.sha256)  # keyed once, copied per token
        self._k = dict(spec.bits_per_token)
        self._token_cache: dict[str, int] = {}
        self.values: dict[object, bytes] = {}

    def mask(self, token: str) -> int:
        """The token's bits as an integer whose big-endian bytes are the segment's bytes."""
        found = self._token_cache.get(token)
        if found is None:
            mac = self._mac.copy()
            mac.update(token.encode("utf-8"))
            digest = mac.digest()
            k = self._k[token.split(":", 1)[0]]
            bits = self.segment.bits
            found = 0
            for i in range(k):
                position = ((digest[2 * i] << 8) | digest[2 * i + 1]) % bits
                found |= 1 << (bits - 1 - position)
            if len(self._token_cache) > CACHE_LIMIT:
                self._token_cache.clear()
            self._token_cache[token] = found
        return found

    def store(self, value: object, tokens: list[str]) -> bytes:
        combined = 0
        for token in tokens:
            combined |= self.mask(token)
        found = combined.to_bytes(self.segment.bits // 8, "big")
        if len(self.values) > CACHE_LIMIT:
            self.values.clear()
        self.values[value] = found
        return found


class Encoder:
    """Encodes identities under one secret and one spec version; reuse it for many rows."""

    def __init__(self, secret: NetworkSecret, spec: EncodingSpec = CURRENT) -> None:
        self.spec = spec
        self.key_id = secret.key_id
        self.version = str(spec.version)
        keys = {s.key: secret.field_key(spec.version, s.key) for s in spec.segments}
        self._first = _SegmentEncoder(spec, keys["name"], spec.segment("first_name"))
        self._last = _SegmentEncoder(spec, keys["name"], spec.segment("last_name"))
        self._date = _SegmentEncoder(spec, keys["date"], spec.segment("birth_date_sex"))

    def encode_bytes(
        self, first_name: str, last_name: str, birth_date: str | BirthDate, sex: str
    ) -> bytes:
        """The 128-byte bit vector; raises InvalidField naming the field on bad values.

        The birth date is its text, or a BirthDate already read (e.g. the plausible parts of a
        damaged date, `normalise.plausible_parts`).
        """
        first = self._first.values.get(first_name)
        if first is None:
            first = self._first.store(first_name, name_tokens(first_name_forms(first_name)))
        last = self._last.values.get(last_name)
        if last is None:
            last = self._last.store(last_name, name_tokens(last_name_forms(last_name)))
        date_key = (birth_date, sex)
        date = self._date.values.get(date_key)
        if date is None:
            if isinstance(birth_date, str):
                birth_date = parse_birth_date(birth_date, version=self.spec.version)
            tokens = date_tokens(birth_date, parse_sex(sex))
            date = self._date.store(date_key, tokens)
        return first + last + date

    def encode(self, first_name: str, last_name: str, birth_date: str | BirthDate, sex: str) -> str:
        """§7: the base64 text of the bit vector, as written in the `balise_encoding` column."""
        raw = self.encode_bytes(first_name, last_name, birth_date, sex)
        return base64.b64encode(raw).decode("ascii")

    def columns(
        self, first_name: str, last_name: str, birth_date: str | BirthDate, sex: str
    ) -> dict[str, str]:
        from balise.linkage.spec import COLUMN_ENCODING, COLUMN_KEY_ID, COLUMN_VERSION

        return {
            COLUMN_ENCODING: self.encode(first_name, last_name, birth_date, sex),
            COLUMN_VERSION: self.version,
            COLUMN_KEY_ID: self.key_id,
        }

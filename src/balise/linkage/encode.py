"""Keyed encoding of one identity (docs/encoding.md §6).

Spec v1: each token sets k bits in its field's segment at positions read from HMAC-SHA256(field
key, token) (a keyed Bloom filter). Spec v2: every bit of a segment is the XOR of H keyed,
weighted majority votes of the value's tokens, each token voting with bits drawn from
HMAC-SHA256(field key, ...) (a keyed SimHash). Token and field-value results are cached: names have
a small vocabulary, which is what lets `balise encode` run at tens of thousands of records per
second.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Protocol

import numpy as np

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
from balise.linkage.spec import CURRENT, EncodingSpec, Part, Segment

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


def majority_stream(mac: Any, function: int, label: str, bits: int) -> bytes:
    """§6.2: `bits` keyed pseudo-random bits for one vote of one token (or the tie-breaker):
    HMAC-SHA256(field key, "<function>.<block>.<label>") for blocks 0, 1, ..., concatenated."""
    out = b""
    block = 0
    while len(out) * 8 < bits:
        copy = mac.copy()
        copy.update(f"{function}.{block}.{label}".encode())
        out += copy.digest()
        block += 1
    return out[: bits // 8]


TIE_LABEL = "tie"  # never a token: tokens are "<kind>:<value>"


class _MajoritySegmentEncoder:
    """Spec v2: a segment's bytes from the tokens of one field value (keyed weighted majority).

    Each part of the segment (the whole segment when it has none) is voted on by the tokens of
    its kinds only; a part without tokens stays all zero."""

    def __init__(self, spec: EncodingSpec, key: bytes, segment: Segment) -> None:
        self.spec = spec
        self.segment = segment
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._weights = dict(spec.bits_per_token)
        self._functions = segment.functions
        self._token_cache: dict[str, np.ndarray[Any, Any]] = {}
        kinds = tuple(kind for kind, _ in spec.bits_per_token)
        self._parts = segment.parts or (Part(kinds, segment.bits),)
        self._part_of = {kind: i for i, part in enumerate(self._parts) for kind in part.kinds}
        self._ties = [
            np.stack(
                [
                    self._unpacked(majority_stream(self._mac, h, TIE_LABEL, part.bits))
                    for h in range(self._functions)
                ]
            ).astype(bool)
            for part in self._parts
        ]
        self.values: dict[object, bytes] = {}

    def _unpacked(self, stream: bytes) -> np.ndarray[Any, Any]:
        return np.unpackbits(np.frombuffer(stream, np.uint8)).astype(np.int16)

    def votes(self, token: str) -> np.ndarray[Any, Any]:
        """The token's signed, weighted votes: shape (H, part bits), +w where its bit is 1."""
        found = self._token_cache.get(token)
        if found is None:
            kind = token.split(":", 1)[0]
            weight = self._weights[kind]
            bits = self._parts[self._part_of[kind]].bits
            found = np.stack(
                [
                    (2 * self._unpacked(majority_stream(self._mac, h, token, bits)) - 1) * weight
                    for h in range(self._functions)
                ]
            )
            if len(self._token_cache) > CACHE_LIMIT:
                self._token_cache.clear()
            self._token_cache[token] = found
        return found

    def store(self, value: object, tokens: list[str]) -> bytes:
        chunks = []
        by_part: list[list[str]] = [[] for _ in self._parts]
        for token in tokens:
            by_part[self._part_of[token.split(":", 1)[0]]].append(token)
        for index, mine in enumerate(by_part):
            if not mine:
                chunks.append(bytes(self._parts[index].bits // 8))  # no token: all zero
                continue
            total = self.votes(mine[0]).copy()
            for token in mine[1:]:
                total += self.votes(token)  # in place: one buffer per part, no stacking
            # a vote of 0 takes the keyed tie-breaker bit; then XOR over the H functions
            majority = (total > 0) | ((total == 0) & self._ties[index])
            bits = np.bitwise_xor.reduce(majority, axis=0)
            chunks.append(np.packbits(bits).tobytes())
        found = b"".join(chunks)
        if len(self.values) > CACHE_LIMIT:
            self.values.clear()
        self.values[value] = found
        return found


class _SegmentStore(Protocol):
    values: dict[object, bytes]

    def store(self, value: object, tokens: list[str]) -> bytes: ...


def _segment_encoder(spec: EncodingSpec, key: bytes, segment: Segment) -> _SegmentStore:
    if segment.functions:
        return _MajoritySegmentEncoder(spec, key, segment)
    return _SegmentEncoder(spec, key, segment)


class Encoder:
    """Encodes identities under one secret and one spec version; reuse it for many rows."""

    def __init__(self, secret: NetworkSecret, spec: EncodingSpec = CURRENT) -> None:
        self.spec = spec
        self.key_id = secret.key_id
        self.version = str(spec.version)
        keys = {s.key: secret.field_key(spec.version, s.key) for s in spec.segments}
        self._first = _segment_encoder(spec, keys["name"], spec.segment("first_name"))
        self._last = _segment_encoder(spec, keys["name"], spec.segment("last_name"))
        self._date = _segment_encoder(spec, keys["date"], spec.date_segment)

    def encode_bytes(
        self, first_name: str, last_name: str, birth_date: str | BirthDate, sex: str
    ) -> bytes:
        """The bit vector (spec.total_bytes); raises InvalidField naming the field on bad values.

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
                # the date's error first, as encoding.js
                birth_date = parse_birth_date(birth_date, version=self.spec.version)
            code = parse_sex(sex)  # validated in every version, encoded only in v1
            tokens = date_tokens(birth_date, code if self.spec.encodes_sex else "")
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

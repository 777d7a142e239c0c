"""The versioned encoding parameter schema (docs/encoding.md §2): layout, bits per token, keys.

Like clkhash's schema: every parameter that changes an encoding lives here under a version, and
encodings of different versions are never compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

WORD_BITS: Final = 64


@dataclass(frozen=True)
class Segment:
    """A word-aligned slice of the bit vector that holds one field's tokens."""

    name: str
    key: str  # which derived key positions its tokens (first and last name share "name")
    offset: int  # in bits
    bits: int

    @property
    def words(self) -> slice:
        return slice(self.offset // WORD_BITS, (self.offset + self.bits) // WORD_BITS)


@dataclass(frozen=True)
class EncodingSpec:
    version: int
    total_bits: int
    segments: tuple[Segment, ...]
    # bits set per token, by token kind (the text before the first ":" of a token)
    bits_per_token: tuple[tuple[str, int], ...]

    @property
    def total_words(self) -> int:
        return self.total_bits // WORD_BITS

    @property
    def total_bytes(self) -> int:
        return self.total_bits // 8

    def segment(self, name: str) -> Segment:
        for segment in self.segments:
            if segment.name == name:
                return segment
        raise KeyError(name)

    def k(self, kind: str) -> int:
        return dict(self.bits_per_token)[kind]


SPEC_V1: Final = EncodingSpec(
    version=1,
    total_bits=1024,
    segments=(
        Segment("first_name", "name", 0, 384),
        Segment("last_name", "name", 384, 384),
        Segment("birth_date_sex", "date", 768, 256),
    ),
    bits_per_token=(
        ("b", 6),
        ("s", 8),
        ("y", 6),
        ("yy", 4),
        ("m", 3),
        ("ym", 3),
        ("d", 3),
        ("md", 4),
        ("dm", 5),
        ("ymd", 6),
        ("sex", 4),
    ),
)

SPECS: Final = {SPEC_V1.version: SPEC_V1}
CURRENT: Final = SPEC_V1

VECTORS_V1: Final = Path(__file__).with_name("vectors-v1.json")

# Output column names (docs/encoding.md §7).
COLUMN_ENCODING: Final = "balise_encoding"
COLUMN_VERSION: Final = "balise_version"
COLUMN_KEY_ID: Final = "balise_key_id"
ENCODING_COLUMNS: Final = (COLUMN_ENCODING, COLUMN_VERSION, COLUMN_KEY_ID)


def spec_for(version: int) -> EncodingSpec:
    try:
        return SPECS[version]
    except KeyError:
        raise ValueError(f"unknown encoding version {version}") from None

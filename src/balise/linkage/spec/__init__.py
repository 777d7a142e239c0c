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
class Part:
    """Spec v2: a word-aligned slice of a segment voted on by the tokens of some kinds only."""

    kinds: tuple[str, ...]
    bits: int


@dataclass(frozen=True)
class Segment:
    """A word-aligned slice of the bit vector that holds one field's tokens."""

    name: str
    key: str  # which derived key positions its tokens (first and last name share "name")
    offset: int  # in bits
    bits: int
    # 0: a keyed Bloom filter (v1). H >= 1: every bit is the XOR of H keyed weighted majority
    # votes of the value's tokens (v2, docs/encoding.md §6), about half the bits set.
    functions: int = 0
    # Spec v2 date: the year, month and day tokens vote in parts of their own, so that a partial
    # date equals the full one exactly on the parts it has (empty: one part, every token).
    parts: tuple[Part, ...] = ()

    @property
    def words(self) -> slice:
        return slice(self.offset // WORD_BITS, (self.offset + self.bits) // WORD_BITS)


@dataclass(frozen=True)
class EncodingSpec:
    version: int
    total_bits: int
    segments: tuple[Segment, ...]
    # Bloom filter (v1): bits set per token, by token kind (the text before the first ":").
    # Keyed majority (v2): the weight of a token of that kind in each output bit's vote.
    bits_per_token: tuple[tuple[str, int], ...]
    # Whether the sex code is a token of the date segment (v1) or left out of the encoding (v2).
    encodes_sex: bool = True

    @property
    def dense(self) -> bool:
        """Dense encodings are compared by Hamming distance, Bloom filters by Dice."""
        return any(segment.functions for segment in self.segments)

    @property
    def date_segment(self) -> Segment:
        return self.segments[2]

    @property
    def name_functions(self) -> int:
        return self.segment("first_name").functions

    @property
    def date_functions(self) -> int:
        return self.date_segment.functions

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

# Spec v2 (docs/encoding.md, docs/privacy.md): the same tokens as v1, but every bit of a segment
# is a keyed weighted majority vote (SimHash-like) of the value's tokens, the name bits XORed over
# two independent keyed votes: no token owns a set of bit positions any more (the pattern-mining
# attacks on v1 labelled exactly those), and a single vote's linear structure is hidden. The sex
# is not encoded. Segments are longer than v1's because a majority vote estimates similarity with
# binomial noise, which the XOR amplifies; this is also the linkage engine's layout
# (kernels.py), into which v1 rows are padded.
SPEC_V2: Final = EncodingSpec(
    version=2,
    total_bits=2048,
    segments=(
        Segment("first_name", "name", 0, 768, functions=2),
        Segment("last_name", "name", 768, 768, functions=2),
        Segment(
            "birth_date",
            "date",
            1536,
            512,
            functions=1,
            parts=(
                Part(("y", "yy"), 128),
                Part(("m", "ym"), 128),
                Part(("d", "md", "dm", "ymd"), 256),
            ),
        ),
    ),
    bits_per_token=SPEC_V1.bits_per_token,
    encodes_sex=False,
)

SPECS: Final = {SPEC_V1.version: SPEC_V1, SPEC_V2.version: SPEC_V2}
CURRENT: Final = SPEC_V2

VECTORS_V1: Final = Path(__file__).with_name("vectors-v1.json")
VECTORS_V2: Final = Path(__file__).with_name("vectors-v2.json")
VECTORS: Final = {1: VECTORS_V1, 2: VECTORS_V2}

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

"""Known plaintext: an organisation's own register, found in the stolen copy, names other records.

A stored situation keeps its organisation and internal reference, so whoever holds one
organisation's register and a copy of the database pairs each of its rows with its stored
encoding exactly. Any encoding that gives identical values identical segments then names every
other record whose segment equals one of them: the same children met by other organisations,
and other children with the same (common) name. Nothing here depends on how segments are built.
"""

from __future__ import annotations

import numpy as np

from balise.linkage.attack.data import (
    Background,
    Guess,
    StolenCopy,
    Words,
    first_words,
    last_words,
)
from balise.linkage.attack.patterns import _segment_groups


def known_plaintext_attack(copy: StolenCopy, background: Background) -> list[Guess]:
    n = len(copy)
    first: list[Words | None] = [None] * n
    last: list[Words | None] = [None] * n
    if not background.own_records:
        return [Guess() for _ in range(n)]
    raw = np.ascontiguousarray(copy.words).view(np.uint8).reshape(n, -1)
    for segments in _segment_groups(copy.spec):
        names: dict[bytes, Words] = {}
        for record, (first_text, last_text) in background.own_records.items():
            for segment in segments:
                text_words = (
                    first_words(first_text)
                    if segment.name.startswith("first")
                    else last_words(last_text)
                )
                value = raw[record, segment.offset // 8 : (segment.offset + segment.bits) // 8]
                names[value.tobytes()] = text_words
        for segment in segments:
            target = first if segment.name.startswith("first") else last
            for record in range(n):
                value = raw[record, segment.offset // 8 : (segment.offset + segment.bits) // 8]
                found = names.get(value.tobytes())
                if found is not None:
                    target[record] = found
    return [Guess(first[i], last[i]) for i in range(n)]

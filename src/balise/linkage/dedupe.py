"""Deduplication pipeline: encodings -> candidate pairs -> scores -> clusters."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from balise.linkage.blocking import BlockingParams, candidate_pairs
from balise.linkage.clustering import cluster_pairs
from balise.linkage.kernels import all_pairs_above, score_pairs, segment_counts
from balise.linkage.scoring import ScoringParams
from balise.linkage.spec import CURRENT

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DedupeParams:
    blocking: BlockingParams = field(default_factory=BlockingParams)
    scoring: ScoringParams = field(default_factory=ScoringParams)
    # Up to this many records every pair is scored (exact, and fast enough: 20k records are
    # 200M pairs, about a second on two cores); beyond it MinHash LSH blocking takes over.
    exhaustive_up_to: int = 20_000


@dataclass(frozen=True)
class DedupeResult:
    labels: np.ndarray[Any, Any]
    candidates: int
    links: int


def words_from_base64(texts: Iterable[str]) -> np.ndarray[Any, Any]:
    """Rows of 16 uint64 words from `balise_encoding` values (base64 of 128 bytes)."""
    raw = b"".join(base64.b64decode(t, validate=True) for t in texts)
    return np.frombuffer(raw, dtype=np.uint64).reshape(-1, CURRENT.total_words).copy()


def dedupe_words(
    words: np.ndarray[Any, Any],
    params: DedupeParams | None = None,
    progress: Progress | None = None,
) -> DedupeResult:
    params = params or DedupeParams()
    say = progress or (lambda _stage: None)
    words = np.ascontiguousarray(words, dtype=np.uint64)
    if len(words) == 0:
        return DedupeResult(np.empty(0, np.int64), 0, 0)
    counts = segment_counts(words)
    weights = params.scoring.weights
    say("candidates")
    if len(words) <= params.exhaustive_up_to:
        left, right = all_pairs_above(words, counts, weights, params.scoring.threshold)
    else:
        left, right = candidate_pairs(words, params.blocking)
    say("scores")
    scores = score_pairs(words, counts, left, right, weights)
    say("clusters")
    labels = cluster_pairs(
        words,
        counts,
        weights,
        left,
        right,
        scores,
        threshold=params.scoring.threshold,
        veto=params.scoring.veto,
    )
    return DedupeResult(labels, len(left), int((scores >= params.scoring.threshold).sum()))

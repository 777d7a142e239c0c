"""Deduplication pipeline: encodings -> candidate pairs -> scores -> clusters."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from balise.linkage.blocking import BlockingParams, candidate_links
from balise.linkage.clustering import cluster_pairs
from balise.linkage.kernels import all_pairs_above, score_pairs
from balise.linkage.scoring import ScoringModel, ScoringParams, estimate_model, record_profile
from balise.linkage.spec import CURRENT

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DedupeParams:
    blocking: BlockingParams = field(default_factory=BlockingParams)
    scoring: ScoringParams = field(default_factory=ScoringParams)
    # Up to this many records every pair is scored (exact, and fast enough: 20k records are
    # 200M pairs, about a second on two cores); beyond it MinHash LSH blocking takes over.
    exhaustive_up_to: int = 5_000


@dataclass(frozen=True)
class DedupeResult:
    labels: np.ndarray[Any, Any]
    candidates: int  # pairs scored (all pairs for small inputs)
    links: int
    model: ScoringModel | None = None


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
    profile = record_profile(words)
    model = estimate_model(words, profile, params.scoring)
    say("candidates")
    if len(words) <= params.exhaustive_up_to:
        left, right = all_pairs_above(words, profile, model.weights, model.threshold)
        evaluated = len(words) * (len(words) - 1) // 2
    else:
        left, right, evaluated = candidate_links(
            words, profile, model.weights, model.threshold, params.blocking
        )
    say("scores")
    scores = score_pairs(words, profile, left, right, model.weights)
    say("clusters")
    labels = cluster_pairs(
        words,
        profile,
        model.weights,
        left,
        right,
        scores,
        threshold=model.threshold,
        average_threshold=model.threshold - params.scoring.merge_margin,
        veto=params.scoring.veto,
        recurring=params.scoring.recurring_difference,
        known_date=params.scoring.common_date_information,
    )
    return DedupeResult(labels, evaluated, int((scores >= model.threshold).sum()), model)

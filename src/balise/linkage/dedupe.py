"""Deduplication pipeline: encodings -> candidate pairs -> scores -> clusters (-> interval).

The result is a function of the *set* of records (docs/linkage.md §4): records are put in a
canonical order (by their encoding bytes) before anything is estimated or clustered, and the
labels are mapped back to the input order, clusters numbered by first appearance there.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from balise.linkage.blocking import BlockingParams, candidate_links
from balise.linkage.clustering import cluster_pairs
from balise.linkage.interval import ChildrenEstimate, IntervalParams, estimate_children
from balise.linkage.kernels import Words, all_pairs_above, engine_words, score_pairs
from balise.linkage.scoring import ScoringModel, ScoringParams, estimate_model, record_profile
from balise.linkage.spec import CURRENT, EncodingSpec

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DedupeParams:
    blocking: BlockingParams = field(default_factory=BlockingParams)
    scoring: ScoringParams = field(default_factory=ScoringParams)
    interval: IntervalParams = field(default_factory=IntervalParams)
    # Up to this many records every pair is scored (exact, and fast enough: 20k records are
    # 200M pairs, about a second on two cores); beyond it MinHash LSH blocking takes over.
    exhaustive_up_to: int = 5_000


@dataclass(frozen=True)
class DedupeResult:
    labels: np.ndarray[Any, Any]  # cluster per input record, 0.. in order of first appearance
    candidates: int  # pairs scored (all pairs for small inputs)
    links: int
    model: ScoringModel | None = None
    children: ChildrenEstimate | None = None  # the number of children and its 90% interval


def words_from_base64(texts: Iterable[str], spec: EncodingSpec = CURRENT) -> np.ndarray[Any, Any]:
    """Rows of uint64 words from `balise_encoding` values of one spec version, as written."""
    raw = b"".join(base64.b64decode(t, validate=True) for t in texts)
    return np.frombuffer(raw, dtype=np.uint64).reshape(-1, spec.total_words).copy()


def canonical_order(words: Words) -> np.ndarray[Any, Any]:
    """Row order sorted by the encoding bytes (identical encodings are interchangeable)."""
    rows = np.ascontiguousarray(words, dtype=np.uint64)
    as_bytes = rows.view(np.uint8).reshape(len(rows), -1)
    # lexsort's last key is the primary one: byte 0 first, as memcmp compares
    return np.lexsort(as_bytes.T[::-1])


def first_appearance(labels: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The same partition, clusters numbered 0.. in order of their first record."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]


def _identical_together(
    sorted_words: np.ndarray[Any, Any], labels: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Records with identical encodings in one cluster, so that which of them comes first in
    the input cannot matter (the clustering rules join them anyway; this makes it certain)."""
    same = np.flatnonzero((sorted_words[1:] == sorted_words[:-1]).all(axis=1))
    if len(same) == 0 or (labels[same] == labels[same + 1]).all():
        return labels
    parent = np.arange(int(labels.max()) + 1)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    for i in same.tolist():
        a, b = find(int(labels[i])), find(int(labels[i + 1]))
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([find(int(x)) for x in labels], np.int64)


def dedupe_words(
    words: Words,
    params: DedupeParams | None = None,
    progress: Progress | None = None,
    *,
    interval: bool = False,
    spec: EncodingSpec = CURRENT,
) -> DedupeResult:
    """Cluster encodings into children; with `interval`, also estimate the number of children
    and its 90% interval from the pair scores (`balise.linkage.interval`). `words` are rows of
    one spec version as written (`spec.total_words` words each): versions are never compared."""
    params = params or DedupeParams()
    say = progress or (lambda _stage: None)
    words = engine_words(words, spec)
    if len(words) == 0:
        empty = estimate_children(words, None, None, None, np.empty(0, np.int64), params.interval)
        return DedupeResult(np.empty(0, np.int64), 0, 0, children=empty if interval else None)
    order = canonical_order(words)
    words = words[order]
    profile = record_profile(words, spec)
    model = estimate_model(words, profile, params.scoring)
    # The interval also weighs pairs somewhat below the link threshold (missed links).
    floor = model.threshold - (params.interval.below_threshold if interval else 0.0)
    say("candidates")
    if len(words) <= params.exhaustive_up_to:
        left, right = all_pairs_above(words, profile, model.weights, floor)
        evaluated = len(words) * (len(words) - 1) // 2
    else:
        left, right, evaluated = candidate_links(
            words, profile, model.weights, floor, params.blocking
        )
    say("scores")
    scores = score_pairs(words, profile, left, right, model.weights)
    say("clusters")
    dense = spec.name_functions > 0
    margin = params.scoring.dense_merge_margin if dense else params.scoring.merge_margin
    labels = cluster_pairs(
        words,
        profile,
        model.weights,
        left,
        right,
        scores,
        threshold=model.threshold,
        average_threshold=model.threshold - margin,
        veto=params.scoring.veto,
        recurring=params.scoring.recurring_difference,
        known_date=params.scoring.common_date_information,
    )
    labels = _identical_together(words, labels)
    children = None
    if interval:
        say("interval")
        children = estimate_children(
            words, profile, model, (left, right, scores), labels, params.interval
        )
    in_input_order = np.empty(len(words), np.int64)
    in_input_order[order] = labels
    links = int((scores >= model.threshold).sum())
    return DedupeResult(first_appearance(in_input_order), evaluated, links, model, children)

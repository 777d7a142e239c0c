"""Clustering of scored pairs that does not chain unrelated children (docs/linkage.md §4).

Edges are taken best first; two clusters merge only if the average score over all their cross
pairs (scored on demand, not just the candidate edges) reaches the threshold and no cross pair
is a clear contradiction (twins, namesakes). A single good link cannot pull a whole cluster in.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from balise.linkage.kernels import pair_score


@numba.njit(cache=True, nogil=True)
def _find(parent: Any, i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        following = parent[i]
        parent[i] = root
        i = following
    return root


@numba.njit(cache=True, nogil=True)
def _cluster(
    words: Any,
    counts: Any,
    weights: Any,
    left: Any,
    right: Any,
    average_threshold: float,
    veto: float,
    support_threshold: float,
    support_share: float,
    max_members: int,
) -> Any:
    n = words.shape[0]
    parent = np.arange(n)
    head = np.arange(n)
    tail = np.arange(n)
    following = np.full(n, -1, np.int64)
    size = np.ones(n, np.int64)
    for e in range(left.shape[0]):
        a = _find(parent, left[e])
        b = _find(parent, right[e])
        if a == b:
            continue
        total = 0.0
        pairs = 0
        support = 0
        worst = np.inf
        x = head[a]
        seen_a = 0
        while x != -1 and seen_a < max_members and worst >= veto:
            y = head[b]
            seen_b = 0
            while y != -1 and seen_b < max_members:
                s = pair_score(words, counts, x, y, weights)
                total += s
                pairs += 1
                if s >= support_threshold:
                    support += 1
                if s < worst:
                    worst = s
                y = following[y]
                seen_b += 1
            x = following[x]
            seen_a += 1
        if worst < veto or total < average_threshold * pairs or support < support_share * pairs:
            continue
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        following[tail[a]] = head[b]
        tail[a] = tail[b]
        size[a] += size[b]
    labels = np.empty(n, np.int64)
    for i in range(n):
        labels[i] = _find(parent, i)
    return labels


def cluster_pairs(
    words: np.ndarray[Any, Any],
    counts: np.ndarray[Any, Any],
    weights: np.ndarray[Any, Any],
    left: np.ndarray[Any, Any],
    right: np.ndarray[Any, Any],
    scores: np.ndarray[Any, Any],
    *,
    threshold: float,
    average_threshold: float,
    veto: float,
    support_threshold: float = -np.inf,
    support_share: float = 0.0,
    max_members: int = 40,
) -> np.ndarray[Any, Any]:
    """Cluster labels (0..k-1, in order of first appearance) from pairs scoring >= threshold."""
    keep = scores >= threshold
    order = np.argsort(-scores[keep], kind="stable")
    roots = _cluster(
        words, counts, weights, left[keep][order], right[keep][order], average_threshold, veto,
        support_threshold, support_share, max_members,
    )  # fmt: skip
    _, first, inverse = np.unique(roots, return_index=True, return_inverse=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]

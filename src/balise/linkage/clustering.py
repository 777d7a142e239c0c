"""Clustering of scored pairs that does not chain unrelated children (docs/linkage.md §4).

Edges are taken best first; two clusters merge only if the average score over all their cross
pairs (scored on demand, not just the candidate edges) reaches the threshold, no cross pair
is a clear contradiction, and no field holds a value repeated in each cluster that differs
between them (namesakes and twins recorded several times). A single good link cannot pull a
whole cluster in.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from balise.linkage.kernels import (
    DATE,
    FIELDS,
    MISSING,
    PROFILE_BITS,
    PROFILE_DATE_INFO,
    SAME_DATE,
    SWAPPED,
    Profile,
    Weights,
    Words,
    pair_levels,
    pair_levels_many,
    pair_score,
)


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
def _members(following: Any, start: int, limit: int) -> Any:
    members = np.empty(limit, np.int64)
    size = 0
    x = start
    while x != -1 and size < limit:
        members[size] = x
        size += 1
        x = following[x]
    return members[:size]


@numba.njit(cache=True, nogil=True)
def _confirmed(words: Any, profile: Any, members: Any, known_date: float) -> Any:
    """Per member and field (first, last, date): is the value held exactly (level 0, names not
    crossed) by another member? Dates count only when really known (information at least
    `known_date` bits: not a common, estimated one)."""
    size = members.shape[0]
    confirmed = np.zeros((size, FIELDS), np.bool_)
    for i in range(size):
        for j in range(i + 1, size):
            levels = pair_levels(words, profile, members[i], members[j])
            for f in range(FIELDS):
                if f < DATE and (levels[f] != 0 or levels[SWAPPED] == 1):
                    continue
                if f == DATE:
                    x, y = members[i], members[j]
                    info = min(profile[x, PROFILE_DATE_INFO], profile[y, PROFILE_DATE_INFO])
                    if info < known_date or levels[f] > 1:
                        continue
                    # the same date with sex missing on one side (not a partial date)
                    bits_x = profile[x, PROFILE_BITS + DATE]
                    bits_y = profile[y, PROFILE_BITS + DATE]
                    if levels[f] == 1 and min(bits_x, bits_y) < SAME_DATE * max(bits_x, bits_y):
                        continue
                confirmed[i, f] = True
                confirmed[j, f] = True
    return confirmed


@numba.njit(cache=True, nogil=True)
def _differ_repeatedly(
    words: Any, profile: Any, members_a: Any, members_b: Any, least: Any, known_date: float
) -> bool:
    """Each cluster holds a value of one field in two or more records, and the two values
    differ (at level `least[field]` or beyond): one child's records seldom repeat the same
    error, two namesakes' or twins' records repeat their own values."""
    confirmed_a = _confirmed(words, profile, members_a, known_date)
    if not confirmed_a.any():
        return False
    confirmed_b = _confirmed(words, profile, members_b, known_date)
    for i in range(members_a.shape[0]):
        for j in range(members_b.shape[0]):
            levels = pair_levels(words, profile, members_a[i], members_b[j])
            for f in range(FIELDS):
                if not (confirmed_a[i, f] and confirmed_b[j, f]):
                    continue
                if least[f] <= levels[f] < MISSING and (f == DATE or levels[SWAPPED] == 0):
                    return True
    return False


@numba.njit(cache=True, nogil=True)
def _cluster(
    words: Any,
    profile: Any,
    weights: Any,
    left: Any,
    right: Any,
    average_threshold: float,
    veto: float,
    max_members: int,
    recurring: Any,
    known_date: float,
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
        members_a = _members(following, head[a], max_members)
        members_b = _members(following, head[b], max_members)
        total = 0.0
        worst = np.inf
        for x in members_a:
            for y in members_b:
                s = pair_score(words, profile, x, y, weights)
                total += s
                worst = min(worst, s)
            if worst < veto:
                break
        if worst < veto or total < average_threshold * members_a.shape[0] * members_b.shape[0]:
            continue
        if _differ_repeatedly(words, profile, members_a, members_b, recurring, known_date):
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
    words: Words,
    profile: Profile,
    weights: Weights,
    left: np.ndarray[Any, Any],
    right: np.ndarray[Any, Any],
    scores: np.ndarray[Any, Any],
    *,
    threshold: float,
    average_threshold: float,
    veto: float,
    max_members: int = 40,
    recurring: tuple[int, int, int] = (MISSING, MISSING, MISSING),
    known_date: float = np.inf,
) -> np.ndarray[Any, Any]:
    """Cluster labels (0..k-1, in order of first appearance) from pairs scoring >= threshold."""
    keep = scores >= threshold
    # Records that agree exactly on every field go together first, so that each cluster's
    # repeated values are known before clusters are compared; then best first.
    levels = pair_levels_many(words, profile, left[keep], right[keep])
    exact = (levels[:, :FIELDS] == 0).all(axis=1)
    order = np.lexsort((-scores[keep], ~exact))
    roots = _cluster(
        words, profile, weights, left[keep][order], right[keep][order], average_threshold, veto,
        max_members, np.array(recurring, np.int64), known_date,
    )  # fmt: skip
    _, first, inverse = np.unique(roots, return_index=True, return_inverse=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse]

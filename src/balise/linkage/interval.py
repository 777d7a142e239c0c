"""The number of children and its 90% interval, read from the data being linked
(docs/linkage.md §5).

A clustering is one draw of many plausible ones. Every decision that is not certain is turned
into a probability from the pair scores the engine computed on this data (Fellegi-Sunter log2
likelihood ratios with m, u, term frequencies and the twin share estimated on these records):

* inside each cluster, the merges that hold it together: the cluster's maximum spanning tree
  of pair scores, each tree edge weighed by the mean score between the two parts it joins;
* between clusters, the merges that were not made: every pair of clusters with a candidate pair
  scoring up to `below_threshold` bits under the link threshold, weighed halfway between the
  mean score of all their cross pairs (what the clustering compares) and their best pair.

A cluster offered several merges shares one chance among them (a child split in two leaves one
other piece), so crowds of namesakes do not chain clusters together in the draws.

A score s becomes the probability 1 / (1 + 2**-(s - origin)); the origin is the link threshold
(+ `even_odds`) less the log2 of the prior read from the data (matching pairs per record, from
the clusters, against the one per record the threshold assumes). Each draw keeps or breaks
every uncertain decision by its probability, all scores of the draw shifted by a calibration
term within +-`calibration` bits, and counts the groups; the 5th and 95th percentiles over the
draws are the interval. The draws are seeded by a hash of the (canonically ordered)
encodings, so the same records give the same interval.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from balise.linkage.kernels import CONSTANTS, TWIN_CAP, Profile, Words, pair_score
from balise.linkage.scoring import POPULATION_FLOOR, ScoringModel

METHOD = (
    "posterior sampling of the uncertain links and merges (Fellegi-Sunter scores estimated on "
    "these records), 5th-95th percentile of the number of clusters (balise.linkage.interval)"
)


@dataclass(frozen=True)
class IntervalParams:
    below_threshold: float = 12.0  # pairs scoring this far under the link threshold are weighed
    even_odds: float = 0.5  # bits above the link threshold where a merge is as likely as not
    # a merge not made is weighed by this share of its best cross pair, the rest by their mean
    best_share: float = 0.6
    floor_share: float = 0.5  # of log2(POPULATION_FLOOR / records), added to the prior odds
    calibration: float = 1.0  # draws shift every score uniformly within +- this many bits
    crowding: bool = True
    draws: int = 400
    coverage: float = 0.90
    certain: float = 0.999  # decisions this sure (either way) are not sampled
    max_members: int = 40  # cross pairs of larger clusters: the first this many members
    # draw the twin share between its bounds (scoring.twin_share_range) rather than fix it at
    # the upper bound the clustering uses
    twin_range: bool = True


@dataclass(frozen=True)
class ChildrenEstimate:
    records: int
    clusters: int
    estimate: int
    low: int
    high: int
    coverage: float
    draws: int
    uncertain_splits: int  # merges inside clusters that were sampled
    uncertain_merges: int  # merges between clusters that were sampled
    method: str = METHOD

    def summary(self) -> dict[str, Any]:
        """The `balise dedupe --summary` document (DESIGN.md §4)."""
        return {
            "records": self.records,
            "clusters": self.clusters,
            "children_estimate": self.estimate,
            f"children_interval_{round(self.coverage * 100)}": [self.low, self.high],
            "method": self.method,
            "draws": self.draws,
            "uncertain_splits": self.uncertain_splits,
            "uncertain_merges": self.uncertain_merges,
        }


def data_seed(words: Words) -> int:
    """A seed that depends on the set of records only (the words are in canonical order)."""
    digest = hashlib.blake2b(np.ascontiguousarray(words).tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


@numba.njit(cache=True, nogil=True)
def _cross_score(
    words: Any, profile: Any, weights: Any, xs: Any, ys: Any, best_share: float
) -> float:
    """Between the clustering's evidence (the mean over all cross pairs) and the best link."""
    total = 0.0
    best = -np.inf
    for x in xs:
        for y in ys:
            s = pair_score(words, profile, x, y, weights)
            total += s
            best = max(best, s)
    mean = total / (xs.shape[0] * ys.shape[0])
    return float(best_share * best + (1 - best_share) * mean)


@numba.njit(cache=True, nogil=True)
def _tree_edges(
    words: Any, profile: Any, weights: Any, members: Any, starts: Any, limit: int
) -> Any:
    """Per cluster of two or more records (members[starts[c]:starts[c + 1]]): the edges of its
    maximum spanning tree, each scored by the mean cross score of the two parts it joins."""
    total = 0
    for c in range(starts.shape[0] - 1):
        total += max(min(starts[c + 1] - starts[c], limit) - 1, 0)
    left = np.empty(total, np.int64)
    right = np.empty(total, np.int64)
    score = np.empty(total, np.float64)
    at = 0
    for c in range(starts.shape[0] - 1):
        size = min(starts[c + 1] - starts[c], limit)
        if size < 2:
            continue
        group = members[starts[c] : starts[c] + size]
        scores = np.empty((size, size))
        for i in range(size):
            scores[i, i] = 0.0
            for j in range(i + 1, size):
                s = pair_score(words, profile, group[i], group[j], weights)
                scores[i, j] = s
                scores[j, i] = s
        # Prim: grow the tree from member 0, best edge first
        inside = np.zeros(size, np.bool_)
        best = np.full(size, -np.inf)
        via = np.zeros(size, np.int64)
        inside[0] = True
        for j in range(1, size):
            best[j] = scores[0, j]
        parent = np.full(size, -1, np.int64)
        for _ in range(size - 1):
            pick = -1
            for j in range(size):
                if not inside[j] and (pick < 0 or best[j] > best[pick]):
                    pick = j
            inside[pick] = True
            parent[pick] = via[pick]
            for j in range(size):
                if not inside[j] and scores[pick, j] > best[j]:
                    best[j] = scores[pick, j]
                    via[j] = pick
        # each tree edge (child -> parent) splits the tree: the child's subtree against the rest
        for child in range(1, size):
            side = np.zeros(size, np.bool_)
            for k in range(size):
                x = k
                while x != -1 and x != child:
                    x = parent[x]
                side[k] = x == child
            total_score = 0.0
            pairs = 0
            for a in range(size):
                if side[a]:
                    for b in range(size):
                        if not side[b]:
                            total_score += scores[a, b]
                            pairs += 1
            left[at] = group[child]
            right[at] = group[parent[child]]
            score[at] = total_score / pairs
            at += 1
    return left, right, score


@numba.njit(cache=True, nogil=True)
def _cross_scores(
    words: Any,
    profile: Any,
    weights: Any,
    members: Any,
    starts: Any,
    a: Any,
    b: Any,
    limit: int,
    best_share: float,
) -> Any:
    out = np.empty(a.shape[0], np.float64)
    for k in range(a.shape[0]):
        xs = members[starts[a[k]] : min(starts[a[k] + 1], starts[a[k]] + limit)]
        ys = members[starts[b[k]] : min(starts[b[k] + 1], starts[b[k]] + limit)]
        out[k] = _cross_score(words, profile, weights, xs, ys, best_share)
    return out


@numba.njit(cache=True, nogil=True)
def _root(parent: Any, x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@numba.njit(cache=True, nogil=True)
def _draw_counts(
    nodes: int, left: Any, right: Any, odds: Any, twins: Any, shifts: Any, mix: Any, seed: int
) -> Any:
    """Per draw, how many unions the edges make among `nodes` when each is kept with
    probability 1 / (1 + 2**-(odds + mix of the draw * twins + shift of the draw))."""
    np.random.seed(seed)
    draws = shifts.shape[0]
    unions = np.zeros(draws, np.int64)
    parent = np.empty(nodes, np.int64)
    for d in range(draws):
        for x in range(nodes):
            parent[x] = x
        for e in range(left.shape[0]):
            o = odds[e] + mix[d] * twins[e] + shifts[d]
            if np.random.random() * (1.0 + 2.0**-o) < 1.0:
                a = _root(parent, left[e])
                b = _root(parent, right[e])
                if a != b:
                    parent[max(a, b)] = min(a, b)
                    unions[d] += 1
    return unions


@numba.njit(cache=True, nogil=True)
def _pieces(nodes: int, left: Any, right: Any) -> Any:
    """The root of each node once every edge is joined."""
    parent = np.arange(nodes)
    for e in range(left.shape[0]):
        a = _root(parent, left[e])
        b = _root(parent, right[e])
        if a != b:
            parent[max(a, b)] = min(a, b)
    for x in range(nodes):
        parent[x] = _root(parent, x)
    return parent


def estimate_children(
    words: Words,
    profile: Profile | None,
    model: ScoringModel | None,
    pairs: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]] | None,
    labels: np.ndarray[Any, Any],
    params: IntervalParams,
) -> ChildrenEstimate:
    """The number of children and its interval for one clustering of canonically ordered
    records; `pairs` are the candidate pairs (left, right, score) scored at least
    `params.below_threshold` bits under the link threshold."""
    n = len(labels)
    clusters = int(labels.max()) + 1 if n else 0
    if n == 0 or profile is None or model is None or pairs is None:
        return ChildrenEstimate(n, clusters, clusters, clusters, clusters, params.coverage, 0, 0, 0)
    weights, threshold = model.weights, float(model.threshold)
    members = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[members], np.arange(clusters + 1))

    # The link threshold's prior is one matching pair per record among at least
    # POPULATION_FLOOR records; the data say how many there are per record (the pairs inside
    # clusters). Scores of exact agreement are also read against that floor (overstated for
    # small inputs), so only `floor_share` of the floor's factor is given back to the prior.
    sizes = np.diff(starts)
    per_record = max(float((sizes * (sizes - 1) // 2).sum()) / n, 1.0 / n)
    prior = math.log2(per_record * (max(n, POPULATION_FLOOR) / n) ** params.floor_share)
    origin = threshold + params.even_odds - prior  # a mean score here is even odds

    # Merges inside clusters: kept unless a draw breaks them.
    tree_left, tree_right, tree_score = _tree_edges(
        words, profile, weights, members, starts, params.max_members
    )
    # Merges between clusters that were not made.
    left, right, scores = pairs
    lab_l, lab_r = labels[left], labels[right]
    cross = (lab_l != lab_r) & (scores >= threshold - params.below_threshold)
    a = np.minimum(lab_l[cross], lab_r[cross])
    b = np.maximum(lab_l[cross], lab_r[cross])
    cluster_pairs = np.unique(a.astype(np.int64) * (clusters + 1) + b)
    a, b = cluster_pairs // (clusters + 1), cluster_pairs % (clusters + 1)
    cross_score = _cross_scores(
        words, profile, weights, members, starts, a, b, params.max_members, params.best_share
    )
    # The twin share is known from few groups: the clustering caps twin-signature pairs at its
    # upper bound, the draws take it anywhere between its bounds (`twins`: how much each
    # merge's score rises when the cap is the lower bound's).
    twin_rise = np.zeros(len(cross_score))
    low_share = model.twin_share_low
    if params.twin_range and low_share is not None and low_share < model.twin_share:
        open_weights = weights.copy()
        open_weights[CONSTANTS, TWIN_CAP] = model.twin_cap(low_share)
        twin_rise = (
            _cross_scores(
                words, profile, open_weights, members, starts, a, b, params.max_members,
                params.best_share,
            )
            - cross_score
        )  # fmt: skip

    # Only uncertain decisions are drawn: certain either way at both ends of the shifts.
    bound = math.log2(params.certain / (1.0 - params.certain)) + params.calibration
    tree_odds = tree_score - origin
    cross_odds = cross_score - origin
    if params.crowding:
        # One child split in two leaves one other piece: a cluster whose merges with several
        # others each look possible can still make about one of them. Each merge's odds are
        # divided by the expected number of merges its busier side is offered.
        offered = np.zeros(clusters)
        chance = 1.0 / (1.0 + np.exp2(-cross_odds))
        np.add.at(offered, a, chance)
        np.add.at(offered, b, chance)
        crowd = np.maximum(np.maximum(offered[a], offered[b]), 1.0)
        cross_odds = cross_odds - np.log2(crowd)
    sure_tree = tree_odds >= bound
    sampled_tree = ~sure_tree
    sampled_cross = cross_odds + twin_rise > -bound
    pieces = _pieces(n, tree_left[sure_tree], tree_right[sure_tree])
    # a merge between clusters joins the pieces of their first members
    ends_left = np.concatenate(
        [pieces[tree_left[sampled_tree]], pieces[members[starts[a[sampled_cross]]]]]
    )
    ends_right = np.concatenate(
        [pieces[tree_right[sampled_tree]], pieces[members[starts[b[sampled_cross]]]]]
    )
    odds = np.concatenate([tree_odds[sampled_tree], cross_odds[sampled_cross]])
    twins = np.concatenate([np.zeros(int(sampled_tree.sum())), twin_rise[sampled_cross]])
    base = len(np.unique(pieces))
    nodes, compact = np.unique(np.concatenate([ends_left, ends_right]), return_inverse=True)
    compact = compact.ravel()
    half = len(ends_left)
    seed = data_seed(words) % (2**31)
    # Calibration: how far the posterior of this data may sit from the engine's, in bits.
    shifts = np.linspace(-params.calibration, params.calibration, params.draws)
    # each draw's twin share, evenly over its range, in an order of its own (seeded like the
    # draws): the share of the rise from the upper bound's cap to the lower bound's
    mix = np.random.default_rng(seed).permutation(np.linspace(0.0, 1.0, params.draws))
    unions = _draw_counts(
        len(nodes), compact[:half], compact[half:], odds, twins, shifts, mix, seed
    )
    counts = base - unions
    tail = (1.0 - params.coverage) / 2
    low, high = np.quantile(counts, [tail, 1.0 - tail])
    return ChildrenEstimate(
        records=n,
        clusters=clusters,
        estimate=round(float(np.median(counts))),
        low=math.floor(low),
        high=math.ceil(high),
        coverage=params.coverage,
        draws=params.draws,
        uncertain_splits=int(sampled_tree.sum()),
        uncertain_merges=int(sampled_cross.sum()),
    )

"""Fellegi-Sunter scoring estimated on the data being deduplicated (docs/linkage.md §3).

* u (how often two different children agree at each level) is measured on random pairs;
* m (how often one child's records agree at each level) is fixed from what registers do to an
  identity (calibrated on the synthetic generator and FEBRL; EM on the candidate pairs was tried
  and diverged where candidates are mostly matches);
* the prior is one matching pair per record among all pairs, so the bar rises with the data size;
* exact agreement is weighted by how rare the agreeing value is in the data (term frequency:
  two "Mohamed" agree less tellingly than two "Gebremedhin"), read from the encodings alone;
* twins (same surname and birth date, clearly different first names) get a fixed penalty that
  the independence assumption of Fellegi-Sunter would otherwise miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from balise.linkage.kernels import LEVELS, MISSING, pair_levels_many, segment_counts

FIELDS = 3  # first name, last name, birth date + sex

# Starting m probabilities for levels 0..6 (missing is handled apart), per field.
M_PRIOR = np.array(
    [
        [0.70, 0.05, 0.06, 0.07, 0.05, 0.02, 0.04],
        [0.76, 0.05, 0.06, 0.08, 0.02, 0.01, 0.01],
        [0.70, 0.13, 0.01, 0.09, 0.03, 0.025, 0.015],
    ]
)


# u measured on 10,000 generated children (about 21,000 records); blended in with the weight of
# U_PRIOR_PAIRS random pairs, so that small inputs do not rest on a handful of pairs.
U_PRIOR = np.array(
    [
        [0.0026, 0.0007, 0.0006, 0.0013, 0.0096, 0.0946, 0.8349, 0.0557],
        [0.0014, 0.0002, 0.0004, 0.0019, 0.0153, 0.1079, 0.8707, 0.0022],
        [0.0014, 0.0376, 0.0005, 0.0320, 0.0708, 0.6387, 0.2130, 0.0059],
    ]
)
U_PRIOR_PAIRS = 2_000
# Frequencies and the prior are computed as if the input held at least this many identities:
# a value seen once among 8 records is not known to be rarer than 1 in 8.
POPULATION_FLOOR = 10_000


@dataclass(frozen=True)
class ScoringParams:
    swap_penalty: float = 0.5  # bits taken off when names only agree crossed
    twin_penalty: float = 12.0  # bits taken off the twin signature
    information_cap: float = 16.0  # rarest value counted as at most this many bits
    # A birth date held by many identities (information below this) is taken for an estimate
    # (1 January of a guessed year); disagreement with it counts for this share only.
    common_date_information: float = 9.0
    common_date_factor: float = 0.3
    # bits taken off when a name and the date are both damaged (levels 2-6) in one pair
    double_damage_penalty: float = 2.0
    threshold_bias: float = -2.5  # bits added to the posterior-0.5 threshold
    merge_margin: float = 0.0  # clusters merge when their mean cross score >= threshold - this
    veto: float = 0.0  # ... and no cross pair scores below this (bits)
    support_margin: float = 4.0  # ... and enough cross pairs score >= threshold - this
    support_share: float = 0.0
    duplicates_per_record: float = 1.0  # prior: expected matching pairs per record
    random_pairs: int = 200_000
    seed: int = 7


@dataclass(frozen=True)
class ScoringModel:
    weights: np.ndarray[Any, Any]  # (4, 8), as read by kernels.pair_score
    threshold: float
    match_share: float
    m: np.ndarray[Any, Any] = field(repr=False)
    u: np.ndarray[Any, Any] = field(repr=False)


def _segment_hashes(words: np.ndarray[Any, Any], start: int, stop: int) -> np.ndarray[Any, Any]:
    key = np.zeros(len(words), np.uint64)
    for column in range(start, stop):
        key ^= words[:, column]
        key *= np.uint64(0x9E3779B97F4A7C15)
        key ^= key >> np.uint64(29)
    return key


def _information(
    keys: np.ndarray[Any, Any], present: np.ndarray[Any, Any], identity: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """-log2 of the share of distinct identities (all three segments) that hold each value.

    Counting distinct identities rather than records keeps one child's repeated records from
    making their own name look common.
    """
    info = np.full(len(keys), np.inf)
    if not present.any():
        return info
    distinct = np.unique(np.stack([keys[present], identity[present]], axis=1), axis=0)
    values, counts = np.unique(distinct[:, 0], return_counts=True)
    where = np.searchsorted(values, keys[present])
    population = max(len(np.unique(identity[present])), POPULATION_FLOOR)
    info[present] = -np.log2(counts[where] / population)
    return info


def record_profile(words: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Per record: set bits per segment, information content of each segment's value, and of
    the two names together (in either order): common pairs like a Turkish first name with a
    Turkish surname are more frequent than their separate frequencies suggest."""
    counts = segment_counts(words)
    n = len(words)
    profile = np.zeros((n, 7))
    profile[:, :3] = counts
    first, last = _segment_hashes(words, 0, 6), _segment_hashes(words, 6, 12)
    date = _segment_hashes(words, 12, 16)
    pair = np.minimum(first, last) * np.uint64(0xBF58476D1CE4E5B9) ^ np.maximum(first, last)
    identity = pair * np.uint64(0x94D049BB133111EB) ^ date
    names = np.concatenate([first, last])
    present = np.concatenate([counts[:, 0] > 0, counts[:, 1] > 0])
    name_info = _information(names, present, np.concatenate([identity, identity]))
    profile[:, 3], profile[:, 4] = name_info[:n], name_info[n:]
    profile[:, 5] = _information(date, counts[:, 2] > 0, identity)
    both = (counts[:, 0] > 0) & (counts[:, 1] > 0)
    profile[:, 6] = _information(pair, both, identity)
    return profile


def estimate_model(
    words: np.ndarray[Any, Any],
    profile: np.ndarray[Any, Any],
    params: ScoringParams | None = None,
) -> ScoringModel:
    params = params or ScoringParams()
    n = len(words)
    rng = np.random.default_rng(params.seed)
    size = min(params.random_pairs, max(n * (n - 1) // 2, 1))
    a = rng.integers(0, max(n, 1), size)
    b = rng.integers(0, max(n, 1), size)
    keep = a != b
    random_levels = pair_levels_many(words, profile, a[keep], b[keep])
    u = U_PRIOR * U_PRIOR_PAIRS
    for f in range(FIELDS):
        u[f] += np.bincount(random_levels[:, f], minlength=LEVELS)
    u /= u.sum(axis=1, keepdims=True)

    m = np.empty((FIELDS, LEVELS))
    m[:, :MISSING] = M_PRIOR * (1 - u[:, MISSING : MISSING + 1])
    m[:, MISSING] = u[:, MISSING]  # missingness tells nothing either way
    # Prior: each record has `duplicates_per_record` matching pairs among all n(n-1)/2 pairs.
    population = max(n, POPULATION_FLOOR)
    share = params.duplicates_per_record * 2 / (population - 1)
    weights = np.zeros((4, LEVELS))
    weights[:FIELDS] = np.clip(np.log2(m / u), -12.0, 12.0)
    weights[:FIELDS, 0] = np.log2(m[:, 0])  # the value's own frequency supplies u
    weights[:FIELDS, MISSING] = 0.0
    weights[3, :6] = (
        params.swap_penalty,
        params.twin_penalty,
        params.information_cap,
        params.common_date_information,
        params.common_date_factor,
        params.double_damage_penalty,
    )
    # A pair links when its posterior probability of being one child reaches 0.5.
    threshold = float(np.log2((1 - share) / share)) + params.threshold_bias
    return ScoringModel(weights, threshold, share, m, u)

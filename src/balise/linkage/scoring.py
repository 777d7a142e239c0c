"""Fellegi-Sunter scoring estimated on the data being deduplicated (docs/linkage.md §3).

* u (how often two different children agree at each level) is measured on random pairs;
* m (how often one child's records agree at each level) is estimated per field on pairs that
  share the other two fields' values (`estimate_m`), blended with a prior (EM on the candidate
  pairs was tried and diverged where candidates are mostly matches);
* the prior is one matching pair per record among all pairs, so the bar rises with the data size;
* exact agreement is weighted by how rare the agreeing value is in the data (term frequency:
  two "Mohamed" agree less tellingly than two "Gebremedhin"), read from the encodings alone,
  and near agreement at most as much as the name the two records share;
* twins (same surname and birth date, clearly different first names): the independence
  assumption of Fellegi-Sunter would add surname and date agreement up into a link, so such a
  pair scores at most the odds, measured on the data (`twin_share`), that the pattern is one
  child whose first name was recorded differently rather than two children.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from balise.linkage.kernels import (
    COMMON_DATE_FACTOR,
    COMMON_DATE_INFORMATION,
    CONSTANTS,
    D0,
    DATE,
    DATE_WORDS,
    DOUBLE_DAMAGE_PENALTY,
    F0,
    FIELDS,
    FIRST,
    INFORMATION_CAP,
    L0,
    LAST,
    LEVELS,
    MISSING,
    NAME_WORDS,
    NEAR_LEVELS,
    NEAR_NAMES,
    PROFILE_BITS,
    PROFILE_COLUMNS,
    PROFILE_DATE_FUNCTIONS,
    PROFILE_DATE_INFO,
    PROFILE_FUNCTIONS,
    PROFILE_INFO,
    PROFILE_PAIR_INFO,
    SEX_BITS,
    SWAP_PENALTY,
    TWIN_CAP,
    WEIGHT_ROWS,
    Profile,
    Weights,
    Words,
    anchored_levels,
    near_column,
    pair_levels_many,
    segment_counts,
    twin_statistics,
)
from balise.linkage.spec import CURRENT, EncodingSpec

# the words of each field's segment in the engine's layout
SEGMENT_WORDS = ((F0, F0 + NAME_WORDS), (L0, L0 + NAME_WORDS), (D0, D0 + DATE_WORDS))

# Prior m probabilities for levels 0..6 (missing is handled apart), per field: what registers
# do to one identity (FEBRL and the generator); the data's own estimate is blended with it.
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
# Spec v2 (keyed majority votes, compared by Hamming distance) has its own level distributions:
# m and u measured on 10,000 generated children (seed 100, not a reporting set), v2 encodings,
# with the name levels of kernels.DENSE_NAME_CUTS (benchmarks/linkage_priors.py prints them).
M_PRIOR_DENSE = np.array(
    [
        [0.8126, 0.032, 0.0726, 0.0335, 0.0174, 0.0158, 0.0161],
        [0.7955, 0.0648, 0.0661, 0.0291, 0.0158, 0.0158, 0.0129],
        [0.75, 0.073, 0.131, 0.028, 0.009, 0.006, 0.003],
    ]
)
U_PRIOR_DENSE = np.array(
    [
        [0.0014, 0.0004, 0.0012, 0.0027, 0.0089, 0.0973, 0.8293, 0.0588],
        [0.0008, 0.0003, 0.0007, 0.0023, 0.0090, 0.1024, 0.8829, 0.0016],
        [0.0014, 0.0047, 0.0550, 0.0438, 0.0740, 0.3718, 0.3723, 0.0770],
    ]
)
U_PRIOR_PAIRS = 2_000


def _priors(profile: Profile) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(m prior, u prior) for the records' spec: Bloom filters (v1) or majority votes (v2)."""
    if len(profile) and profile[0, PROFILE_FUNCTIONS] > 0:
        return M_PRIOR_DENSE, U_PRIOR_DENSE
    return M_PRIOR, U_PRIOR


# Frequencies and the prior are computed as if the input held at least this many identities:
# a value seen once among 8 records is not known to be rarer than 1 in 8.
POPULATION_FLOOR = 10_000


@dataclass(frozen=True)
class ScoringParams:
    swap_penalty: float = 0.5  # bits taken off when names only agree crossed
    # Twin signature: the share of such pairs that are two children is bounded from above at
    # this confidence, and kept within these bounds (no evidence: they are twins).
    twin_confidence: float = 0.9
    twin_share_bounds: tuple[float, float] = (0.02, 0.98)
    twin_group_limit: int = 50  # larger (surname, date) groups are not families
    # m is estimated on pairs that share the other two fields' values, blended with M_PRIOR
    # counted as this many pairs; names anchor the date only when held by at most this many
    # identities (namesakes would otherwise pass for date errors).
    m_prior_pairs: float = 100.0
    rare_names_holders: float = 5.0
    information_cap: float = 16.0  # rarest value counted as at most this many bits
    # A birth date held by many identities (information below this) is taken for an estimate
    # (1 January of a guessed year); disagreement with it counts for this share only.
    common_date_information: float = 9.0
    common_date_factor: float = 0.3
    # bits taken off when a name and the date are both damaged (levels 2-6) in one pair
    double_damage_penalty: float = 3.0
    threshold_bias: float = -3.0  # bits added to the posterior-0.5 threshold
    merge_margin: float = 0.0  # clusters merge when their mean cross score >= threshold - this
    # ... for spec v2, whose noisier name similarity lowers the mean cross score of one child's
    # records (a mistyped short name reads a level or two lower than under v1)
    dense_merge_margin: float = 1.0
    veto: float = 0.0  # ... and no cross pair scores below this (bits)
    # Clusters stay apart when each holds a value in two or more records and the two values
    # differ at least at this level (first name, last name, known birth date; 7 = never).
    recurring_difference: tuple[int, int, int] = (5, 3, 2)
    duplicates_per_record: float = 1.0  # prior: expected matching pairs per record
    random_pairs: int = 200_000
    seed: int = 7


@dataclass(frozen=True)
class ScoringModel:
    weights: Weights  # (WEIGHT_ROWS, LEVELS), as read by kernels.pair_score
    threshold: float
    match_share: float
    twin_share: float  # estimated share of twin-signature pairs that are two children
    m: np.ndarray[Any, Any] = field(repr=False)
    u: np.ndarray[Any, Any] = field(repr=False)
    # the lower bound of that share at the same confidence: how far the data leave it open
    # (the clustering uses the upper bound; the children interval draws between the two)
    twin_share_low: float | None = None

    def twin_cap(self, share: float) -> float:
        """The most a twin-signature pair scores when `share` of such pairs are twins."""
        return self.threshold + math.log2((1 - share) / share)


def _segment_hashes(words: Words, start: int, stop: int) -> np.ndarray[Any, Any]:
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


def record_profile(words: Words, spec: EncodingSpec = CURRENT) -> np.ndarray[Any, Any]:
    """Per record: set bits per segment, information content of each segment's value, and of
    the two names together (in either order): common pairs like a Turkish first name with a
    Turkish surname are more frequent than their separate frequencies suggest; then the
    spec's number of majority functions (how the kernels compare the segments)."""
    counts = segment_counts(words)
    n = len(words)
    profile = np.zeros((n, PROFILE_COLUMNS))
    profile[:, PROFILE_FUNCTIONS] = spec.name_functions
    profile[:, PROFILE_DATE_FUNCTIONS] = spec.date_functions
    profile[:, PROFILE_BITS : PROFILE_BITS + FIELDS] = counts
    first, last, date = (_segment_hashes(words, start, stop) for start, stop in SEGMENT_WORDS)
    pair = np.minimum(first, last) * np.uint64(0xBF58476D1CE4E5B9) ^ np.maximum(first, last)
    identity = pair * np.uint64(0x94D049BB133111EB) ^ date
    names = np.concatenate([first, last])
    present = np.concatenate([counts[:, FIRST] > 0, counts[:, LAST] > 0])
    name_info = _information(names, present, np.concatenate([identity, identity]))
    profile[:, PROFILE_INFO + FIRST] = name_info[:n]
    profile[:, PROFILE_INFO + LAST] = name_info[n:]
    profile[:, PROFILE_DATE_INFO] = _information(date, counts[:, DATE] > SEX_BITS, identity)
    both = (counts[:, FIRST] > 0) & (counts[:, LAST] > 0)
    profile[:, PROFILE_PAIR_INFO] = _information(pair, both, identity)
    return profile


def _poisson_upper(observed: int, confidence: float) -> float:
    """The Poisson mean above which seeing `observed` or fewer has probability 1 - confidence."""

    def cdf(mean: float) -> float:
        term = total = math.exp(-mean)
        for k in range(1, observed + 1):
            term *= mean / k
            total += term
        return total

    low, high = 0.0, observed + 10.0 + 10.0 * math.sqrt(observed + 1.0)
    for _ in range(100):
        middle = (low + high) / 2
        if cdf(middle) > 1 - confidence:
            low = middle
        else:
            high = middle
    return high


def _grouped(key: np.ndarray[Any, Any], index: np.ndarray[Any, Any]) -> tuple[Any, Any]:
    """Record indices ordered by key value, and where each value's group starts (and ends)."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1], True])
    return index[order], starts


def _present(profile: Profile) -> np.ndarray[Any, Any]:
    return (
        (profile[:, PROFILE_BITS + FIRST] > 0)
        & (profile[:, PROFILE_BITS + LAST] > 0)
        & (profile[:, PROFILE_BITS + DATE] > SEX_BITS)
    )


def _poisson_lower(observed: int, confidence: float) -> float:
    """The Poisson mean below which seeing `observed` or more has probability 1 - confidence."""
    if observed == 0:
        return 0.0

    def at_least(mean: float) -> float:
        term = total = math.exp(-mean)
        for k in range(1, observed):
            term *= mean / k
            total += term
        return 1.0 - total

    low, high = 0.0, float(observed)
    for _ in range(100):
        middle = (low + high) / 2
        if at_least(middle) < 1 - confidence:
            low = middle
        else:
            high = middle
    return low


def twin_share(words: Words, profile: Profile, params: ScoringParams) -> float:
    """How many twin-signature pairs are really two children, read from the data.

    Records sharing surname and birth date (+ sex) fall into sides by first name. Twins are two
    children, each recorded as often as any child: both sides hold two or more records about
    as often as q**2, where q is the share of single-sided groups with two or more records.
    A first name recorded differently for one child is a one-off: that side holds one record.
    The observed count of two-by-two side pairs, against T * q**2 expected if all were twins,
    bounds the twin share from above (Poisson, `twin_confidence`); no evidence means twins.
    """
    return twin_share_range(words, profile, params)[1]


def twin_share_range(words: Words, profile: Profile, params: ScoringParams) -> tuple[float, float]:
    """The twin share's lower and upper bounds at `twin_confidence` (`twin_share` is the upper
    one, which the clustering uses); without evidence both are the upper limit (twins)."""
    low, high = params.twin_share_bounds
    index = np.flatnonzero(_present(profile))
    if len(index) < 2:
        return high, high
    key = _segment_hashes(words[index], L0, D0 + DATE_WORDS)  # surname and date together
    order, starts = _grouped(key, index)
    ordinary, repeated, sides, both = twin_statistics(
        words, profile, order, starts, params.twin_group_limit
    )
    if ordinary == 0 or sides == 0 or repeated == 0:
        return high, high
    expected_if_twins = sides * (repeated / ordinary) ** 2
    upper = _poisson_upper(int(both), params.twin_confidence) / expected_if_twins
    lower = _poisson_lower(int(both), params.twin_confidence) / expected_if_twins
    return float(min(max(lower, low), high)), float(min(max(upper, low), high))


def estimate_m(
    words: Words,
    profile: Profile,
    u: np.ndarray[Any, Any],
    twins: float,
    sample: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]],
    params: ScoringParams,
) -> np.ndarray[Any, Any]:
    """m for levels 0-6 of each field, from pairs that share the other two fields' values.

    Two records with the same surname and birth date are nearly always one child, so their
    first names show how registers record one child's first name (and likewise for each field).
    What is not one child is taken out: twin-signature pairs in the share `twins`, and the pairs
    expected to share both values by chance (agreement rates measured on the random pairs
    `sample`, with u's level distribution). Names anchor the date only when rare (namesakes),
    and a date anchors only when it is not a common, estimated one. Counts are blended with
    `M_PRIOR`, so that small inputs keep the prior.
    """
    present = _present(profile)
    hashes = [_segment_hashes(words, start, stop) for start, stop in SEGMENT_WORDS]
    # a pair of names held by one identity has the information log2(population)
    known = profile[:, PROFILE_PAIR_INFO][np.isfinite(profile[:, PROFILE_PAIR_INFO])]
    rare_names = (known.max() if len(known) else 0.0) - math.log2(params.rare_names_holders)
    a, b = sample
    m = np.empty((FIELDS, MISSING))
    for f in range(FIELDS):
        one, two = (g for g in range(FIELDS) if g != f)
        eligible = present.copy()
        if f == DATE:
            eligible &= profile[:, PROFILE_PAIR_INFO] >= rare_names
        else:
            eligible &= profile[:, PROFILE_DATE_INFO] >= params.common_date_information
        index = np.flatnonzero(eligible)
        counts = np.zeros(LEVELS)
        if len(index) >= 2:
            key = hashes[one][index] * np.uint64(0x9E3779B97F4A7C15) ^ hashes[two][index]
            order, starts = _grouped(key, index)
            found, twin_pairs = anchored_levels(
                words, profile, order, starts, params.twin_group_limit, f
            )
            counts = found - twins * twin_pairs
            both = eligible[a] & eligible[b]
            if both.any():
                chance = np.mean(hashes[one][a[both]] == hashes[one][b[both]]) * np.mean(
                    hashes[two][a[both]] == hashes[two][b[both]]
                )
                expected = chance * len(index) * (len(index) - 1) / 2
                shares = u[f, :MISSING] / u[f, :MISSING].sum()
                counts[:MISSING] -= expected * shares
        counts = np.clip(counts[:MISSING], 0.0, None)
        m_prior = _priors(profile)[0]
        m[f] = (counts + params.m_prior_pairs * m_prior[f]) / (counts.sum() + params.m_prior_pairs)
    return m


def estimate_model(
    words: Words,
    profile: Profile,
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
    u = _priors(profile)[1] * U_PRIOR_PAIRS
    for f in range(FIELDS):
        u[f] += np.bincount(random_levels[:, f], minlength=LEVELS)
    u /= u.sum(axis=1, keepdims=True)

    twins_low, twins = twin_share_range(words, profile, params)
    m = np.empty((FIELDS, LEVELS))
    estimated = estimate_m(words, profile, u, twins, (a[keep], b[keep]), params)
    m[:, :MISSING] = estimated * (1 - u[:, MISSING : MISSING + 1])
    m[:, MISSING] = u[:, MISSING]  # missingness tells nothing either way
    # Prior: each record has `duplicates_per_record` matching pairs among all n(n-1)/2 pairs.
    population = max(n, POPULATION_FLOOR)
    share = params.duplicates_per_record * 2 / (population - 1)
    weights = np.zeros((WEIGHT_ROWS, LEVELS))
    weights[:FIELDS] = np.clip(np.log2(m / u), -12.0, 12.0)
    weights[:FIELDS, 0] = np.log2(m[:, 0])  # the value's own frequency supplies u
    weights[:FIELDS, MISSING] = 0.0
    # A pair links when its posterior probability of being one child reaches 0.5.
    threshold = float(np.log2((1 - share) / share)) + params.threshold_bias
    constants = weights[CONSTANTS]
    constants[SWAP_PENALTY] = params.swap_penalty
    constants[TWIN_CAP] = threshold + math.log2((1 - twins) / twins)  # ScoringModel.twin_cap
    constants[INFORMATION_CAP] = params.information_cap
    constants[COMMON_DATE_INFORMATION] = params.common_date_information
    constants[COMMON_DATE_FACTOR] = params.common_date_factor
    constants[DOUBLE_DAMAGE_PENALTY] = params.double_damage_penalty
    # names nearly agreeing (levels 1 to NEAR_LEVELS), bounded by rarity in kernels.pair_score
    for f in (FIRST, LAST):
        for level in range(1, NEAR_LEVELS + 1):
            weights[NEAR_NAMES, near_column(f, level)] = np.log2(m[f, level])
    return ScoringModel(weights, threshold, share, twins, m, u, twins_low)

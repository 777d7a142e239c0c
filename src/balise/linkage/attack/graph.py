"""Graph matching attack: align the similarity graphs of encoded and of plaintext values.

After Vidanage, Ranbaduge, Christen and Schnell (CIKM 2020, "A graph matching attack on
privacy-preserving record linkage"): linkage needs encodings whose similarities follow those of
the plaintext values, so both similarity graphs have the same shape where the populations
overlap. Nodes are the distinct values of the name segments that share a key (their counts split
by field and recorded gender are node features); encoded similarities are mapped onto the
plaintext scale by matching their distributions (quantiles); nodes are first matched on
frequency and neighbourhood features (weighted degrees at several similarity levels, strongest
edges), then repeatedly on their similarities to the pairs matched with most confidence so far
(anchors), each time solved as an assignment problem (scipy linear_sum_assignment).
Works on Bloom filters and on dense encodings alike: nothing here reads token positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from balise.linkage.attack.data import (
    Background,
    Bits,
    NameValue,
    StolenCopy,
    Words,
    distinct,
    name_value,
)
from balise.linkage.attack.patterns import KINDS, _kind, _plain_table, _segment_groups
from balise.linkage.spec import Segment

Floats = npt.NDArray[np.float64]
LEVELS = (0.2, 0.35, 0.5, 0.65, 0.8)


def encoded_similarity(values: Bits) -> Floats:
    """Dice for sparse filters, agreement rescaled to [-1, 1] for dense ones (~cosine)."""
    x = values.astype(np.float32)
    density = float(x.mean()) if x.size else 0.0
    if density < 0.35:
        sizes = x.sum(axis=1)
        inter = x @ x.T
        return np.asarray(2 * inter / np.maximum(sizes[:, None] + sizes[None, :], 1.0), np.float64)
    signed = 2 * x - 1
    return np.asarray((signed @ signed.T) / x.shape[1], dtype=np.float64)


def plaintext_similarity(incidence: Floats, weights: Floats) -> Floats:
    """Cosine of the token-weight vectors (a segment's bits follow its tokens' weights)."""
    w = incidence * weights[None, :]
    norms = np.linalg.norm(w, axis=1)
    return np.asarray((w @ w.T) / np.maximum(norms[:, None] * norms[None, :], 1e-9))


def calibrate(source: Floats, target: Floats) -> Floats:
    """Map source similarities onto the target's scale by matching quantiles (off-diagonal)."""
    off_s = source[~np.eye(len(source), dtype=bool)]
    off_t = target[~np.eye(len(target), dtype=bool)]
    if not len(off_s) or not len(off_t):
        return source
    qs = np.linspace(0, 1, 2001)
    src_q = np.quantile(off_s, qs)
    tgt_q = np.quantile(off_t, qs)
    mapped = np.interp(source, src_q, tgt_q)
    np.fill_diagonal(mapped, 1.0)
    return np.asarray(mapped)


def node_features(sim: Floats, counts: Floats) -> Floats:
    weights = counts.sum(axis=1)
    off = sim.copy()
    np.fill_diagonal(off, -np.inf)
    feats = [np.log1p(counts)]
    for level in LEVELS:
        feats.append(np.log1p((off >= level).astype(np.float64) @ weights)[:, None])
    top = -np.sort(-off, axis=1)[:, :5]
    top[~np.isfinite(top)] = 0.0
    feats.append(top)
    return np.concatenate(feats, axis=1)


def _standardise(a: Floats, b: Floats) -> tuple[Floats, Floats]:
    both = np.concatenate([a, b])
    mean, std = both.mean(axis=0), both.std(axis=0) + 1e-9
    return (a - mean) / std, (b - mean) / std


def _distances(a: Floats, b: Floats) -> Floats:
    """Root mean squared difference between every row of a and every row of b."""
    sq = (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :] - 2 * a @ b.T
    return np.asarray(np.sqrt(np.maximum(sq, 0.0) / a.shape[1]))


def spectral_seeds(
    enc_sim: Floats,
    enc_counts: Floats,
    enc_cross: Floats,
    plain_sim: Floats,
    plain_counts: Floats,
    plain_cross: Floats,
    *,
    top: int = 120,
    per_node: int = 8,
    keep: int = 40,
) -> list[tuple[int, int]]:
    """Anchors among the most frequent values by spectral matching (Leordeanu and Hebert 2005):
    candidate pairs that agree on frequency, on their similarities to each other and on how
    often they go together as a record's first and last name."""
    e_top = np.argsort(-enc_counts.sum(axis=1), kind="stable")[:top]
    p_top = np.argsort(-plain_counts.sum(axis=1), kind="stable")[: int(top * 1.3)]
    unary = np.abs(
        np.log1p(enc_counts[e_top])[:, None, :] - np.log1p(plain_counts[p_top])[None, :, :]
    ).sum(axis=2)
    cand: list[tuple[int, int]] = []
    for i in range(len(e_top)):
        for j in np.argsort(unary[i])[:per_node].tolist():
            cand.append((i, j))
    if not cand:
        return []
    ci = np.array([c[0] for c in cand])
    cj = np.array([c[1] for c in cand])
    es = enc_sim[np.ix_(e_top, e_top)][np.ix_(ci, ci)]
    ps = plain_sim[np.ix_(p_top, p_top)][np.ix_(cj, cj)]
    ec = np.log1p(enc_cross[np.ix_(e_top, e_top)])[np.ix_(ci, ci)]
    pc = np.log1p(plain_cross[np.ix_(p_top, p_top)])[np.ix_(cj, cj)]
    informative = np.maximum(np.maximum(es, ps), 0.0) + 0.3 * np.maximum(ec, pc) + 0.02
    affinity = np.exp(-((es - ps) ** 2) / 0.005 - (ec - pc) ** 2) * informative
    conflict = (ci[:, None] == ci[None, :]) | (cj[:, None] == cj[None, :])
    affinity[conflict] = 0.0
    affinity[np.arange(len(cand)), np.arange(len(cand))] = np.exp(-unary[ci, cj])
    vector = np.ones(len(cand)) / np.sqrt(len(cand))
    for _ in range(50):
        vector = affinity @ vector
        vector /= np.linalg.norm(vector) + 1e-12
    chosen: list[tuple[int, int]] = []
    used_e: set[int] = set()
    used_p: set[int] = set()
    for index in np.argsort(-vector).tolist():
        i, j = cand[index]
        if i in used_e or j in used_p:
            continue
        used_e.add(i)
        used_p.add(j)
        chosen.append((int(e_top[i]), int(p_top[j])))
        if len(chosen) >= keep:
            break
    return chosen


def _match(cost: Floats, unmatched: float) -> dict[int, int]:
    n_rows = cost.shape[0]
    padded = np.concatenate([cost, np.full((n_rows, n_rows), unmatched)], axis=1)
    rows, cols = linear_sum_assignment(padded)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if c < cost.shape[1]}


def _confident(cost: Floats, mapping: dict[int, int], share: float) -> list[tuple[int, int]]:
    """Matched pairs that are each other's best and cheapest, the best `share` of them."""
    if not mapping:
        return []
    row_best = cost.argmin(axis=1)
    col_best = cost.argmin(axis=0)
    mutual = [(r, c) for r, c in mapping.items() if row_best[r] == c and col_best[c] == r]
    mutual.sort(key=lambda pair: cost[pair])
    keep = max(10, int(share * len(mapping)))
    return mutual[:keep]


@dataclass(frozen=True)
class GraphOutcome:
    decoded: list[Words | None]
    anchors: int


def match_graphs(
    enc_sim: Floats,
    enc_counts: Floats,
    plain_sim: Floats,
    plain_counts: Floats,
    plain_words: Sequence[Words],
    *,
    seeds: Sequence[tuple[int, int]] = (),
    rounds: int = 15,
) -> GraphOutcome:
    fe, fp = _standardise(
        node_features(enc_sim, enc_counts), node_features(plain_sim, plain_counts)
    )
    freq = np.abs(np.log1p(enc_counts)[:, None, :] - np.log1p(plain_counts)[None, :, :]).sum(axis=2)
    cost = _distances(fe, fp)
    mapping = _match(cost, float(np.quantile(cost, 0.05)))
    anchors = list(seeds) if seeds else _confident(cost, mapping, 0.1)
    for round_ in range(rounds):
        if len(anchors) < 5:
            break
        ea = np.array([a for a, _ in anchors])
        pa = np.array([b for _, b in anchors])
        cost = _distances(enc_sim[:, ea], plain_sim[:, pa]) + 0.05 * freq
        mapping = _match(cost, float(np.quantile(cost, 0.1)))
        anchors = _confident(cost, mapping, 0.2 + 0.1 * round_)
    decoded: list[Words | None] = [None] * len(enc_sim)
    for r, c in mapping.items():
        decoded[r] = plain_words[c]
    return GraphOutcome(decoded, len(anchors))


def _value_cross(
    inverse: npt.NDArray[np.int64], rows: npt.NDArray[np.int64], segments: Sequence[Segment], n: int
) -> Floats:
    """How many records hold each pair of values as first and last name (symmetric)."""
    cross = np.zeros((len(rows), len(rows)))
    firsts = [i for i, s in enumerate(segments) if s.name.startswith("first")]
    lasts = [i for i, s in enumerate(segments) if not s.name.startswith("first")]
    if not firsts or not lasts:
        return cross
    position = np.full(int(inverse.max()) + 1, -1)
    position[rows] = np.arange(len(rows))
    a = position[inverse[firsts[0] * n : (firsts[0] + 1) * n]]
    b = position[inverse[lasts[0] * n : (lasts[0] + 1) * n]]
    both = (a >= 0) & (b >= 0)
    np.add.at(cross, (a[both], b[both]), 1.0)
    return cross + cross.T


def _plain_value_cross(background: Background, values: Sequence[NameValue]) -> Floats:
    index = {v: i for i, v in enumerate(values)}
    cross = np.zeros((len(values), len(values)))
    for (first, last, _), count in background.pairs.items():
        i, j = index.get(name_value(first)), index.get(name_value(last))
        if i is not None and j is not None:
            cross[i, j] += count
    return cross + cross.T


def graph_attack(
    copy: StolenCopy, background: Background
) -> list[tuple[int, Segment, Words | None]]:
    bits = copy.bits()
    genders = [f.gender for f in copy.facts]
    weights_of = dict(copy.spec.bits_per_token)
    out: list[tuple[int, Segment, Words | None]] = []
    n = len(copy)
    for segments in _segment_groups(copy.spec):
        stack = np.concatenate([bits[:, s.offset : s.offset + s.bits] for s in segments])
        found = distinct(stack)
        kinds = np.concatenate([[_kind(s, g) for g in genders] for s in segments]).astype(np.int64)
        counts = np.zeros((len(found.values), KINDS))
        np.add.at(counts, (found.inverse, kinds), 1.0)
        nonempty = np.asarray(found.values.any(axis=1))
        rows = np.flatnonzero(nonempty)
        values, plain, vocabulary = _plain_table(background, segments)
        decoded: list[Words | None] = [None] * len(found.values)
        for row in np.flatnonzero(~nonempty).tolist():
            decoded[row] = frozenset()
        if len(rows) and values:
            scale = counts.sum() / max(1.0, plain.counts.sum())
            token_weights = np.array([weights_of[t.split(":", 1)[0]] for t in vocabulary], float)
            plain_sim = plaintext_similarity(plain.incidence, token_weights)
            enc_sim = calibrate(encoded_similarity(found.values[rows]), plain_sim)
            enc_cross = _value_cross(found.inverse, rows, segments, n)
            plain_cross = _plain_value_cross(background, values) * scale
            seeds = spectral_seeds(
                enc_sim, counts[rows], enc_cross, plain_sim, plain.counts * scale, plain_cross
            )
            outcome = match_graphs(
                enc_sim,
                counts[rows],
                plain_sim,
                plain.counts * scale,
                [v.words for v in values],
                seeds=seeds,
            )
            for i, row in enumerate(rows.tolist()):
                decoded[row] = outcome.decoded[i]
        for position, segment in enumerate(segments):
            for record in range(n):
                out.append((record, segment, decoded[found.inverse[position * n + record]]))
    return out

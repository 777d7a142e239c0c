"""Correlation attack on dense encodings: recover frequent tokens' bit patterns from the columns.

In a SimHash-like encoding each output bit leans towards the keyed sign of every token of the
value (weighted majority), so the bits of all values holding a frequent token share a pattern:
the token shows as a direction of the bit columns' covariance. This attack whitens the distinct
values' bits (principal components) and looks for directions whose projections split off a
minority of values (independent component analysis, FastICA with a log-cosh contrast, Hyvärinen
1999). Each direction's minority is a candidate "holds token t" feature; the features are then
labelled and the values decoded exactly as in the pattern-mining attack (frequencies by field and
gender, co-occurrence graphs, expectation maximisation over the background's names). With an XOR
of several majorities, each token's linear signal is the product of its per-function leanings,
much weaker: that is what the attack measures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from balise.linkage.attack.data import Background, Bits, StolenCopy, Words, distinct
from balise.linkage.attack.patterns import (
    KINDS,
    NameTable,
    _kind,
    _plain_table,
    _segment_groups,
    label_by_graph,
    refine_by_decoding,
)
from balise.linkage.spec import Segment

Floats = npt.NDArray[np.float64]
COMPONENTS = 48


def fast_ica(z: Floats, components: int, *, iterations: int = 100, seed: int = 0) -> Floats:
    """Symmetric FastICA (log-cosh) on already whitened rows z; returns the sources."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((components, z.shape[1]))
    u, _, vt = np.linalg.svd(w, full_matrices=False)
    w = u @ vt
    for _ in range(iterations):
        y = z @ w.T
        g = np.tanh(y)
        g_prime = 1.0 - g**2
        new = (g.T @ z) / len(z) - g_prime.mean(axis=0)[:, None] * w
        u, _, vt = np.linalg.svd(new, full_matrices=False)
        new = u @ vt
        converged = np.max(np.abs(np.abs(np.sum(new * w, axis=1)) - 1.0)) < 1e-6
        w = new
        if converged:
            break
    return np.asarray(z @ w.T)


def _minority(source: Floats, weights: Floats) -> npt.NDArray[np.bool_]:
    """The values on the far side of the largest weighted split (Otsu) of one source."""
    skew = float(np.average((source - np.average(source, weights=weights)) ** 3, weights=weights))
    s = source if skew >= 0 else -source
    order = np.argsort(s)
    ws = weights[order]
    vs = s[order]
    total = ws.sum()
    cum_w = np.cumsum(ws)[:-1]
    cum_v = np.cumsum(ws * vs)[:-1]
    mean_all = (ws * vs).sum() / total
    w0 = cum_w / total
    m0 = cum_v / np.maximum(cum_w, 1e-12)
    m1 = (mean_all * total - cum_v) / np.maximum(total - cum_w, 1e-12)
    between = w0 * (1 - w0) * (m0 - m1) ** 2
    cut = int(np.argmax(between))
    chosen = np.zeros(len(s), dtype=bool)
    chosen[order[cut + 1 :]] = True
    return chosen


def token_features(values: Bits, weights: Floats, components: int = COMPONENTS) -> Floats:
    """(values, components) 0/1: which values each recovered direction singles out."""
    z = (2.0 * values - 1.0) * np.sqrt(weights)[:, None]
    z -= z.mean(axis=0)
    u, s, _ = np.linalg.svd(z, full_matrices=False)
    r = min(components, int((s > 1e-9).sum()))
    if r < 2:
        return np.zeros((len(values), 0))
    whitened = u[:, :r] * np.sqrt(len(z)) / np.sqrt(np.maximum(weights, 1e-12))[:, None]
    sources = fast_ica(whitened, r)
    return np.stack([_minority(sources[:, c], weights) for c in range(r)], axis=1).astype(
        np.float64
    )


@dataclass(frozen=True)
class DenseReport:
    guesses: list[tuple[int, Segment, Words | None]]
    features: int
    labelled: int


def dense_attack(copy: StolenCopy, background: Background) -> DenseReport:
    bits = copy.bits()
    genders = [f.gender for f in copy.facts]
    k_of = dict(copy.spec.bits_per_token)
    n = len(copy)
    out: list[tuple[int, Segment, Words | None]] = []
    n_features = n_labelled = 0
    for segments in _segment_groups(copy.spec):
        stack = np.concatenate([bits[:, s.offset : s.offset + s.bits] for s in segments])
        found = distinct(stack)
        kinds = np.concatenate([[_kind(s, g) for g in genders] for s in segments]).astype(np.int64)
        counts = np.zeros((len(found.values), KINDS))
        np.add.at(counts, (found.inverse, kinds), 1.0)
        nonempty = np.asarray(found.values.any(axis=1))
        counts[~nonempty] = 0.0
        decoded: list[Words | None] = [None] * len(found.values)
        rows = np.flatnonzero(nonempty)
        values, plain, vocabulary = _plain_table(background, segments)
        if len(rows) > 10 and values:
            sub = token_features(found.values[rows], counts[rows].sum(axis=1))
            features = np.zeros((len(found.values), sub.shape[1]))
            features[rows] = sub
            cross = np.zeros((sub.shape[1], sub.shape[1]))
            firsts = [i for i, s in enumerate(segments) if s.name.startswith("first")]
            lasts = [i for i, s in enumerate(segments) if not s.name.startswith("first")]
            if firsts and lasts:
                fi = found.inverse[firsts[0] * n : (firsts[0] + 1) * n]
                la = found.inverse[lasts[0] * n : (lasts[0] + 1) * n]
                cross = features[fi].T @ features[la]
            enc = NameTable(features, counts, cross)
            scale = counts.sum() / max(1.0, plain.counts.sum())
            plain = NameTable(plain.incidence, plain.counts * scale, plain.cross * scale)
            sizes = np.full(sub.shape[1], float(k_of.get("b", 6)))
            k = np.array([k_of[t.split(":", 1)[0]] for t in vocabulary], dtype=np.int64)
            allowed = np.array([t.startswith("b:") for t in vocabulary])
            mapping = label_by_graph(enc, plain, sizes, k, allowed)
            mapping, best, jaccard = refine_by_decoding(enc, plain, mapping, allowed)
            for row in rows.tolist():
                if jaccard[row] >= 0.5:
                    decoded[row] = values[int(best[row])].words
            n_features += sub.shape[1]
            n_labelled += len(mapping)
        for row in np.flatnonzero(~nonempty).tolist():
            decoded[row] = frozenset()
        for position, segment in enumerate(segments):
            for record in range(n):
                out.append((record, segment, decoded[found.inverse[position * n + record]]))
    return DenseReport(out, n_features, n_labelled)

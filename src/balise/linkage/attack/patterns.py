"""Pattern mining on Bloom-filter segments: bit itemsets per token, labelled, then names decoded.

After Christen, Ranbaduge, Vatsalan and Schnell (PAKDD 2017 "Efficient cryptanalysis of Bloom
filters for PPRL", PAKDD 2018 "Precise and fast cryptanalysis for Bloom filter based PPRL", and
IEEE TKDE 2019): every token sets the same k positions in every filter that holds it, so the
positions of a frequent token co-occur as a clean itemset whatever the (secret) hash. Steps:

1. mine itemsets of k co-occurring positions over the distinct segment values, frequent tokens
   first, then again on what they leave unexplained (rarer tokens);
2. label the itemsets with tokens by graph matching: frequencies, then the co-occurrence graph of
   itemsets against the co-occurrence graph of tokens in the background names, then votes from
   names decoded with the labels so far (a few rounds, like expectation maximisation);
3. decode every value: background names and names rebuilt bigram by bigram (walks through the
   labelled bigrams the value holds) are checked against the value's bits: every labelled token
   of a candidate must be set, and what its tokens leave unexplained must fit its unlabelled ones.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
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
    name_segments,
    name_value,
)
from balise.linkage.normalise import NameForms, bigrams, name_tokens, skeleton
from balise.linkage.spec import EncodingSpec, Segment

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Itemset:
    positions: tuple[int, ...]
    support: npt.NDArray[np.bool_]  # over the distinct values


def _grow(
    x: Bits, start: list[int], rows: npt.NDArray[np.bool_], min_size: int, max_size: int,
    purity: float, min_support: int,
) -> tuple[list[int], npt.NDArray[np.bool_]]:  # fmt: skip
    positions = list(start)
    while len(positions) <= max_size:
        sub = x[rows]
        if len(sub) < min_support:
            break
        frac = sub.mean(axis=0)
        frac[positions] = -1.0
        best = int(frac.argmax())
        if len(positions) >= min_size and frac[best] < purity:
            break
        if sub[:, best].sum() < min_support:
            break
        positions.append(best)
        rows = rows & x[:, best]
    return positions, rows


def _support(x: Bits, positions: Sequence[int]) -> npt.NDArray[np.bool_]:
    return np.asarray(x[:, list(positions)].all(axis=1))


def _tight(x: Bits, positions: Sequence[int], rows: npt.NDArray[np.bool_]) -> bool:
    """Dropping any one position must not bring in many more values (a token, not a chance)."""
    size = int(rows.sum())
    for i in range(len(positions)):
        rest = [p for j, p in enumerate(positions) if j != i]
        if _support(x, rest).sum() > 1.5 * size + 2:
            return False
    return True


def mine_itemsets(
    values: Bits,
    *,
    min_size: int,
    max_size: int,
    min_support: int = 2,
    seeds: int = 6,
    purity: float = 0.9,
    rounds: int = 3,
) -> list[Itemset]:
    """Clean co-occurring position sets of min_size..max_size over distinct values."""
    x = values.astype(bool)
    found: dict[tuple[int, ...], npt.NDArray[np.bool_]] = {}
    residual = x.copy()
    for _ in range(rounds):
        new = 0
        xf = residual.astype(np.float32)
        colsum = xf.sum(axis=0)
        co = xf.T @ xf
        for p in range(x.shape[1]):
            if colsum[p] < min_support:
                continue
            cond = co[p] / colsum[p]
            cond[p] = -1.0
            for q in np.argsort(-cond)[:seeds]:
                if co[p, q] < min_support:
                    break
                rows = residual[:, p] & residual[:, q]
                start, rows = _grow(residual, [p, int(q)], rows, min_size, max_size, 0.99, 2)
                if len(start) < min_size:
                    continue
                # complete on the full bits: positions shared with tokens removed as explained
                positions, rows = _grow(
                    x, start, _support(x, start), min_size, max_size, purity, min_support
                )
                key = tuple(sorted(positions))
                if key in found or not min_size <= len(key) <= max_size:
                    continue
                if rows.sum() < min_support or not _tight(x, key, rows):
                    continue
                found[key] = rows
                new += 1
        if not new:
            break
        covered = np.zeros_like(x)
        for key, rows in found.items():
            covered[np.ix_(rows, np.array(key, dtype=np.int64))] = True
        residual = x & ~covered
    return [Itemset(key, rows) for key, rows in found.items()]


# -- decoding ----------------------------------------------------------------------------------


def _mask(positions: Sequence[int]) -> int:
    value = 0
    for p in positions:
        value |= 1 << p
    return value


def _row_mask(row: npt.NDArray[np.bool_]) -> int:
    return _mask(np.flatnonzero(row).tolist())


@dataclass
class Decoder:
    """Checks candidate names against a value's bits with the labelled token positions."""

    masks: dict[str, int]  # labelled token -> its positions
    k_of: dict[str, int]
    bigram_logp: dict[str, float]
    known_words: Counter[str]

    def candidate_bigrams(self, value: int) -> set[str]:
        return {t[2:] for t, m in self.masks.items() if t.startswith("b:") and m & ~value == 0}

    def fit(self, value: int, tokens: frozenset[str]) -> float | None:
        """How badly the tokens explain the bits (lower is better), None when impossible."""
        explained = 0
        allowance = 0
        violations = 0
        for token in tokens:
            m = self.masks.get(token)
            if m is None:
                allowance += self.k_of[token.split(":", 1)[0]]
            elif m & ~value:
                violations += 1  # a wrong label, or a wrong candidate
                if violations > 1:
                    return None
                allowance += self.k_of[token.split(":", 1)[0]]
            else:
                explained |= m
        residual = (value & ~explained).bit_count()
        if residual > allowance:
            return None
        unknown_bigrams = sum(1 for t in tokens if t.startswith("b:") and t not in self.masks)
        return (allowance - residual) * 0.25 + 2.0 * unknown_bigrams + 4.0 * violations

    def word_prior(self, word: str) -> float:
        logp = sum(self.bigram_logp.get(g, -12.0) for g in bigrams(word))
        return logp + (3.0 if word in self.known_words else 0.0)

    def walks(self, grams: set[str], limit: int = 400, max_len: int = 22) -> list[str]:
        out_edges: dict[str, list[str]] = defaultdict(list)
        for g in sorted(grams):
            out_edges[g[0]].append(g[1])
        words: list[str] = []
        used: Counter[str] = Counter()

        def step(word: str, last: str) -> None:
            if len(words) >= limit or len(word) > max_len:
                return
            for nxt in out_edges.get(last, ()):
                edge = last + nxt
                if used[edge] >= 2:
                    continue
                if nxt == "_":
                    if word:
                        words.append(word)
                    continue
                used[edge] += 1
                step(word + nxt, nxt)
                used[edge] -= 1

        step("", "_")
        return list(dict.fromkeys(words))

    def rebuild(self, value: int) -> list[frozenset[str]]:
        """Word sets whose bigrams the value holds: one word, two given names, or name and core."""
        grams = self.candidate_bigrams(value)
        words = self.walks(grams)
        if not words:
            return []
        cover = {w: set(bigrams(w)) for w in words}
        ranked = sorted(words, key=lambda w: (-len(cover[w] & grams), -self.word_prior(w)))[:12]
        found: list[frozenset[str]] = [frozenset((w,)) for w in ranked]
        for i, first in enumerate(ranked):
            rest = grams - cover[first]
            if not rest:
                continue
            for second in ranked[i + 1 :]:
                if cover[second] & rest:
                    found.append(frozenset((first, second)))
        return found

    def decode(
        self, value: int, dictionary: Sequence[tuple[NameValue, int]]
    ) -> tuple[frozenset[str], float] | None:
        best: tuple[float, frozenset[str]] | None = None
        for plain, count in dictionary:
            fitness = self.fit(value, plain.tokens)
            if fitness is None:
                continue
            total = fitness - 0.5 * math.log1p(count)
            if best is None or total < best[0]:
                best = (total, plain.words)
        for words in self.rebuild(value):
            fitness = self.best_forms_fit(value, words)
            if fitness is None:
                continue
            total = fitness + 1.0 - 0.05 * sum(self.word_prior(w) for w in words) / len(words)
            if best is None or total < best[0]:
                best = (total, words)
        return None if best is None else (best[1], best[0])

    def best_forms_fit(self, value: int, words: frozenset[str]) -> float | None:
        """A rebuilt word set read as given names (a skeleton each) or as a name and its core."""
        ordered = sorted(words, key=len, reverse=True)
        options = [NameForms(tuple(ordered), tuple(dict.fromkeys(skeleton(w) for w in ordered)))]
        if len(ordered) == 2 and ordered[0].endswith(ordered[1]):
            options.append(NameForms(tuple(ordered), (skeleton(ordered[1]),)))
        if len(ordered) == 1:
            options.append(NameForms(tuple(ordered), ()))
        fits = [self.fit(value, frozenset(name_tokens(forms))) for forms in options]
        good = [f for f in fits if f is not None]
        return min(good) if good else None


# -- labelling ---------------------------------------------------------------------------------

KINDS = 3  # a value's records: first names of boys, first names of others, last names


@dataclass(frozen=True)
class NameTable:
    """Distinct values (encoded or plaintext) with their counts by kind, and token incidence."""

    incidence: Floats  # (values, features): 1 when the value holds the itemset or token
    counts: Floats  # (values, KINDS)
    cross: Floats  # (features, features): first-name feature x last-name feature, per record


def _log_profile(
    co: Floats, support: Floats, rows: npt.NDArray[np.int64], cols: list[int]
) -> Floats:
    return np.asarray(
        co[np.ix_(rows, np.array(cols, dtype=np.int64))] / np.maximum(support[rows, None], 1e-9)
    )


def label_by_graph(
    enc: NameTable,
    plain: NameTable,
    sizes: Floats,
    k: npt.NDArray[np.int64],
    allowed: npt.NDArray[np.bool_],
    *,
    rounds: int = 6,
) -> dict[int, int]:
    """Itemset -> token: frequencies by kind, then the co-occurrence graphs (within a value and
    between a record's first and last name) matched by iterated assignment on the frequent core."""
    enc_support = enc.incidence.T @ enc.counts  # (items, KINDS)
    tok_support = plain.incidence.T @ plain.counts
    enc_total, tok_total = enc_support.sum(axis=1), tok_support.sum(axis=1)
    weights_e, weights_p = enc.counts.sum(axis=1), plain.counts.sum(axis=1)
    enc_co = (enc.incidence * weights_e[:, None]).T @ enc.incidence
    tok_co = (plain.incidence * weights_p[:, None]).T @ plain.incidence
    threshold = max(4.0, float(np.quantile(enc_total, 0.1)))
    items = np.flatnonzero(enc_total >= threshold)
    tokens = np.flatnonzero((tok_total >= 0.7 * threshold) & allowed)
    if not len(items) or not len(tokens):
        return {}
    base = np.abs(
        np.log1p(enc_support[items])[:, None, :] - np.log1p(tok_support[tokens])[None, :, :]
    ).sum(axis=2)
    gap = sizes[items][:, None] - k[tokens][None, :]
    base += np.where(gap > 0, 5.0, 0.0) + np.where(gap < -2, 5.0, 0.0)
    mapping = _assign_into(base, items, tokens)
    for _ in range(rounds):
        anchors = sorted(mapping)
        targets = [mapping[j] for j in anchors]
        e = np.concatenate(
            [
                _log_profile(enc_co, enc_total, items, anchors),
                _log_profile(enc.cross, enc_total, items, anchors),
                _log_profile(enc.cross.T, enc_total, items, anchors),
            ],
            axis=1,
        ).astype(np.float32)
        p = np.concatenate(
            [
                _log_profile(tok_co, tok_total, tokens, targets),
                _log_profile(plain.cross, tok_total, tokens, targets),
                _log_profile(plain.cross.T, tok_total, tokens, targets),
            ],
            axis=1,
        ).astype(np.float32)
        cost = np.empty((len(items), len(tokens)), dtype=np.float32)
        for start in range(0, len(e), 16):
            cost[start : start + 16] = np.abs(e[start : start + 16, None, :] - p[None]).sum(axis=2)
        mapping = _assign_into(cost + 0.5 * base, items, tokens)
    return mapping


def _assign_into(
    cost: Floats, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]
) -> dict[int, int]:
    r, c = linear_sum_assignment(cost)
    return {int(rows[i]): int(cols[j]) for i, j in zip(r, c, strict=True)}


def refine_by_decoding(
    enc: NameTable,
    plain: NameTable,
    mapping: dict[int, int],
    allowed: npt.NDArray[np.bool_],
    *,
    rounds: int = 6,
) -> tuple[dict[int, int], npt.NDArray[np.int64], Floats]:
    """EM: decode each value as the background value whose labelled tokens agree best (Jaccard),
    then relabel each itemset with the token its decoded values share. Returns the labels, each
    value's best background value and its Jaccard."""
    n_items, n_tokens = enc.incidence.shape[1], plain.incidence.shape[1]
    weights = enc.counts.sum(axis=1)
    prior = 0.01 * np.log1p(plain.counts.sum(axis=1))
    best = np.zeros(len(weights), dtype=np.int64)
    best_jaccard = np.zeros(len(weights))
    for _ in range(rounds):
        phi = np.zeros((n_items, n_tokens))
        for j, t in mapping.items():
            phi[j, t] = 1.0
        mapped = enc.incidence @ phi
        labelled = plain.incidence * (phi.sum(axis=0) > 0)[None, :]
        inter = mapped @ labelled.T
        union = mapped.sum(axis=1)[:, None] + labelled.sum(axis=1)[None, :] - inter
        jaccard = inter / np.maximum(union, 1.0)
        best = (jaccard + prior[None, :]).argmax(axis=1)
        best_jaccard = jaccard[np.arange(len(best)), best]
        trusted = weights * (best_jaccard >= 0.3)
        decoded_tokens = plain.incidence[best]
        votes = enc.incidence.T @ ((trusted * best_jaccard)[:, None] * decoded_tokens)
        norm = np.sqrt(
            (enc.incidence.T @ trusted + 1.0)[:, None]
            * ((decoded_tokens * trusted[:, None]).sum(axis=0) + 1.0)[None, :]
        )
        agreement = np.where(allowed[None, :], votes / norm, -1.0)
        r, c = linear_sum_assignment(-agreement)
        mapping = {int(i): int(j) for i, j in zip(r, c, strict=True) if agreement[i, j] > 0.2}
    return mapping, best, best_jaccard


# -- the attack on a stolen copy ---------------------------------------------------------------


def _segment_groups(spec: EncodingSpec) -> list[list[Segment]]:
    """Name segments positioned by one key are one set of positions (v1: first and last)."""
    groups: dict[str, list[Segment]] = defaultdict(list)
    for segment in name_segments(spec):
        groups[f"{segment.key}:{segment.bits}"].append(segment)
    return list(groups.values())


def _kind(segment: Segment, gender: str) -> int:
    if segment.name.startswith("first"):
        return 0 if gender == "M" else 1
    return 2


def _plain_table(
    background: Background, segments: Sequence[Segment]
) -> tuple[list[NameValue], NameTable, list[str]]:
    holds_first = any(s.name.startswith("first") for s in segments)
    holds_last = any(not s.name.startswith("first") for s in segments)
    counts: dict[NameValue, Floats] = {}
    record_pairs: list[tuple[NameValue | None, NameValue | None, float]] = []
    for (first, last, sex), count in background.pairs.items():
        f = name_value(first) if first.words and holds_first else None
        la = name_value(last) if last.words and holds_last else None
        if f is not None:
            counts.setdefault(f, np.zeros(KINDS))[0 if sex == "M" else 1] += count
        if la is not None:
            counts.setdefault(la, np.zeros(KINDS))[2] += count
        record_pairs.append((f, la, float(count)))
    values = sorted(counts, key=lambda v: (-counts[v].sum(), sorted(v.words)))
    vocabulary = sorted({t for v in values for t in v.tokens})
    index = {t: i for i, t in enumerate(vocabulary)}
    incidence = np.zeros((len(values), len(vocabulary)))
    for row, value in enumerate(values):
        incidence[row, [index[t] for t in value.tokens]] = 1.0
    row_of = {v: i for i, v in enumerate(values)}
    cross = np.zeros((len(vocabulary), len(vocabulary)))
    firsts = [row_of[f] for f, la, _ in record_pairs if f is not None and la is not None]
    lasts = [row_of[la] for f, la, _ in record_pairs if f is not None and la is not None]
    pair_weights = [c for f, la, c in record_pairs if f is not None and la is not None]
    if firsts:
        cross = (incidence[firsts] * np.array(pair_weights)[:, None]).T @ incidence[lasts]
    table_counts = np.stack([counts[v] for v in values]) if values else np.zeros((0, KINDS))
    return values, NameTable(incidence, table_counts, cross), vocabulary


@dataclass(frozen=True)
class PatternReport:
    guesses: list[tuple[int, Segment, Words | None]]  # (record, segment, guessed words)
    itemsets: int
    labelled: int


def pattern_attack(copy: StolenCopy, background: Background) -> PatternReport:
    k_of = dict(copy.spec.bits_per_token)
    bits = copy.bits()
    genders = [f.gender for f in copy.facts]
    out: list[tuple[int, Segment, Words | None]] = []
    n_items = n_labelled = 0
    for segments in _segment_groups(copy.spec):
        stack = np.concatenate([bits[:, s.offset : s.offset + s.bits] for s in segments])
        found = distinct(stack)
        n = len(copy)
        kinds = np.concatenate([[_kind(s, g) for g in genders] for s in segments]).astype(np.int64)
        counts = np.zeros((len(found.values), KINDS))
        np.add.at(counts, (found.inverse, kinds), 1.0)
        nonempty: npt.NDArray[np.bool_] = np.asarray(found.values.any(axis=1))
        counts[~nonempty] = 0.0
        name_ks = sorted({k_of[kind] for kind in ("b", "s") if kind in k_of})
        itemsets = mine_itemsets(
            found.values, min_size=max(2, min(name_ks) - 2), max_size=max(name_ks)
        )
        values, plain, vocabulary = _plain_table(background, segments)
        decoded: list[Words | None] = [None] * len(found.values)
        if itemsets and values:
            incidence = np.stack([i.support for i in itemsets], axis=1).astype(np.float64)
            cross = np.zeros((len(itemsets), len(itemsets)))
            firsts = [i for i, s in enumerate(segments) if s.name.startswith("first")]
            lasts = [i for i, s in enumerate(segments) if not s.name.startswith("first")]
            if firsts and lasts:
                fi = found.inverse[firsts[0] * n : (firsts[0] + 1) * n]
                la = found.inverse[lasts[0] * n : (lasts[0] + 1) * n]
                cross = incidence[fi].T @ incidence[la]
            enc = NameTable(incidence, counts, cross)
            scale = counts.sum() / max(1.0, plain.counts.sum())
            plain = NameTable(plain.incidence, plain.counts * scale, plain.cross * scale)
            sizes = np.array([len(i.positions) for i in itemsets], dtype=np.float64)
            k = np.array([k_of[t.split(":", 1)[0]] for t in vocabulary], dtype=np.int64)
            # skeletons follow whole names, so their itemsets are ambiguous: only bigrams are
            # labelled from the graphs; every token's positions are then read from decoded names
            allowed = np.array([t.startswith("b:") for t in vocabulary])
            mapping = label_by_graph(enc, plain, sizes, k, allowed)
            mapping, best, jaccard = refine_by_decoding(enc, plain, mapping, allowed)
            plain_counted = [
                (v, max(1, round(c / scale)))
                for v, c in zip(values, plain.counts.sum(axis=1), strict=True)
            ]
            masks = {vocabulary[t]: _mask(itemsets[j].positions) for j, t in mapping.items()}
            order = np.argsort(-(jaccard_all := _jaccard_top(enc, plain, mapping)), axis=1)[:, :5]
            for _round in range(3):
                decoder = _decoder(masks, k_of, plain_counted)
                fits: list[float] = [math.inf] * len(found.values)
                for row, value_bits in enumerate(found.values):
                    if not nonempty[row]:
                        decoded[row] = frozenset()
                        continue
                    value = _row_mask(value_bits)
                    shortlist = [plain_counted[int(c)] for c in order[row]]
                    result = decoder.decode(value, shortlist)
                    if result is not None:
                        decoded[row], fits[row] = result
                    elif jaccard[row] >= 0.5:
                        decoded[row] = values[int(best[row])].words
                    else:
                        decoded[row] = None
                masks = {**masks, **relearn(found.values, decoded, fits, k_of)}
            del jaccard_all
            n_items += len(itemsets)
            n_labelled += len(mapping)
        else:
            for empty_row in np.flatnonzero(~nonempty).tolist():
                decoded[empty_row] = frozenset()
        for position, segment in enumerate(segments):
            for record in range(n):
                out.append((record, segment, decoded[found.inverse[position * n + record]]))
    return PatternReport(out, n_items, n_labelled)


def _jaccard_top(enc: NameTable, plain: NameTable, mapping: dict[int, int]) -> Floats:
    phi = np.zeros((enc.incidence.shape[1], plain.incidence.shape[1]))
    for j, t in mapping.items():
        phi[j, t] = 1.0
    mapped = enc.incidence @ phi
    labelled = plain.incidence * (phi.sum(axis=0) > 0)[None, :]
    inter = mapped @ labelled.T
    union = mapped.sum(axis=1)[:, None] + labelled.sum(axis=1)[None, :] - inter
    return np.asarray(inter / np.maximum(union, 1.0) + 0.001 * np.log1p(plain.counts.sum(axis=1)))


def relearn(
    values: Bits, decoded: Sequence[Words | None], fits: Sequence[float], k_of: dict[str, int]
) -> dict[str, int]:
    """Positions of every token, read from the values decoded with a good fit that hold it:
    the positions set in (nearly) all of them. Rare bigrams and skeletons get positions too."""
    rows_of: dict[str, list[int]] = defaultdict(list)
    for row, words in enumerate(decoded):
        if not words or fits[row] > 1.0:
            continue
        ordered = sorted(words, key=len, reverse=True)
        forms = NameForms(tuple(ordered), tuple(dict.fromkeys(skeleton(w) for w in ordered)))
        for token in name_tokens(forms):
            rows_of[token].append(row)
    learned: dict[str, int] = {}
    for token, rows in rows_of.items():
        if len(rows) < 3:
            continue
        k = k_of[token.split(":", 1)[0]]
        frac = values[rows].mean(axis=0)
        positions = np.flatnonzero(frac >= 0.999)
        if k - 2 <= len(positions) <= k:
            learned[token] = _mask(positions.tolist())
    return learned


def _decoder(
    masks: dict[str, int], k_of: dict[str, int], plain: Sequence[tuple[NameValue, int]]
) -> Decoder:
    gram_counts: Counter[str] = Counter()
    word_counts: Counter[str] = Counter()
    for value, count in plain:
        for word in value.words:
            word_counts[word] += count
            for g in bigrams(word):
                gram_counts[g] += count
    total = sum(gram_counts.values()) or 1
    logp = {g: math.log(c / total) for g, c in gram_counts.items()}
    return Decoder(masks, k_of, logp, word_counts)

"""Blocking recall on large inputs, where scoring every pair is out of reach.

    .venv/bin/python benchmarks/blocking_recall.py [--records 1000000] [--sample 1000]

Encodes generated records, runs the LSH blocking that `balise dedupe` uses, and for a random
sample of records scores every pair with all other records (sample x records pairs). The
recall loss is the share of those links that blocking never proposed; it is printed with a
95% interval (Wilson), beside the time each part took.
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any

import numba
import numpy as np

from balise.linkage.blocking import candidate_links
from balise.linkage.encode import Encoder
from balise.linkage.evaluation import pair_keys
from balise.linkage.kernels import pair_score
from balise.linkage.scoring import estimate_model, record_profile
from balise.linkage.secret import new_secret
from balise.linkage.synthetic import make_records


@numba.njit(parallel=True, nogil=True)
def _links_of(
    words: Any, profile: Any, weights: Any, threshold: float, sample: Any, cap: int
) -> Any:
    """For each sampled record, up to `cap` records it links with, and how many there are."""
    n = words.shape[0]
    partners = np.full((sample.shape[0], cap), -1, np.int64)
    counts = np.zeros(sample.shape[0], np.int64)
    for s in numba.prange(sample.shape[0]):
        i = sample[s]
        found = 0
        for j in range(n):
            if j != i and pair_score(words, profile, i, j, weights) >= threshold:
                if found < cap:
                    partners[s, found] = j
                found += 1
        counts[s] = found
    return partners, counts


def wilson(missed: int, total: int) -> tuple[float, float]:
    if total == 0:
        return 0.0, 1.0
    z = 1.96
    p = missed / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    records = make_records(max(args.records * 10 // 21, 1), seed=args.seed)[: args.records]
    encoder = Encoder(new_secret())
    raw = b"".join(
        encoder.encode_bytes(r.first_name, r.last_name, r.birth_date, r.sex) for r in records
    )
    words = np.frombuffer(raw, dtype=np.uint64).reshape(len(records), -1).copy()
    print(f"{len(words):,} records generated and encoded in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    profile = record_profile(words)
    model = estimate_model(words, profile)
    left, right, _ = candidate_links(words, profile, model.weights, model.threshold)
    proposed = pair_keys(left, right)
    print(f"blocking: {len(proposed):,} links in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    sample = rng.choice(len(words), size=min(args.sample, len(words)), replace=False)
    partners, counts = _links_of(words, profile, model.weights, model.threshold, sample, 256)
    if (counts > partners.shape[1]).any():
        print(f"note: {int((counts > partners.shape[1]).sum())} sampled records have more links")
    rows, columns = np.nonzero(partners >= 0)
    exhaustive = pair_keys(sample[rows], partners[rows, columns])
    lost = ~np.isin(exhaustive, proposed)
    missed = int(lost.sum())
    low, high = wilson(missed, len(exhaustive))
    print(
        f"every pair of {len(sample):,} sampled records: {len(exhaustive):,} links in "
        f"{time.perf_counter() - started:.1f}s; blocking missed {missed:,}: recall loss "
        f"{missed / max(len(exhaustive), 1):.2%} (95% {low:.2%}-{high:.2%})"
    )
    child = np.array([r.child_id for r in records])
    same = child[exhaustive >> 32] == child[exhaustive & 0xFFFFFFFF]
    true_missed = int((lost & same).sum())
    low, high = wilson(true_missed, int(same.sum()))
    print(
        f"  of the links that are one child ({int(same.sum()):,}), blocking missed "
        f"{true_missed:,}: {true_missed / max(int(same.sum()), 1):.2%} (95% {low:.2%}-{high:.2%});"
        f" of the missed links, {true_missed / max(missed, 1):.0%} are one child"
    )


if __name__ == "__main__":
    main()

"""The spec v2 priors of the scoring model, measured on a tuning set of generator A.

    .venv/bin/python benchmarks/linkage_priors.py [--children 10000] [--seed 100]

`scoring.M_PRIOR_DENSE` and `U_PRIOR_DENSE` are the level distributions (first name, last name,
birth date) of the pairs of one child's records (m, levels 0-6) and of random pairs of different
children (u, levels 0-6 and missing), on v2 encodings of `synthetic.make_records(children,
seed)` under a fixed secret. Seed 100 is a tuning set: no reported figure uses it. Prints the
measured rows beside the ones in `scoring.py`; copy them there when the levels change.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import defaultdict

import numpy as np

from balise.linkage.encode import Encoder
from balise.linkage.kernels import FIELDS, LEVELS, MISSING, engine_words, pair_levels_many
from balise.linkage.scoring import M_PRIOR_DENSE, U_PRIOR_DENSE, record_profile
from balise.linkage.secret import NetworkSecret
from balise.linkage.spec import SPEC_V2
from balise.linkage.synthetic import make_records

NAMES = ("first name", "last name", "birth date")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--random-pairs", type=int, default=400_000)
    args = parser.parse_args()
    records = make_records(args.children, seed=args.seed)
    encoder = Encoder(NetworkSecret(hashlib.sha256(b"balise-priors").digest()), SPEC_V2)
    raw = b"".join(
        encoder.encode_bytes(r.first_name, r.last_name, r.birth_date, r.sex) for r in records
    )
    rows = np.frombuffer(raw, np.uint64).reshape(len(records), -1).copy()
    words = engine_words(rows, SPEC_V2)
    profile = record_profile(words, SPEC_V2)
    by_child: dict[int, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_child[record.child_id].append(i)
    left, right = [], []
    for members in by_child.values():
        for a, x in enumerate(members):
            for y in members[a + 1 :]:
                left.append(x)
                right.append(y)
    same = pair_levels_many(words, profile, np.array(left), np.array(right))
    rng = np.random.default_rng(args.seed)
    a = rng.integers(0, len(words), args.random_pairs)
    b = rng.integers(0, len(words), args.random_pairs)
    child = np.array([r.child_id for r in records])
    different = child[a] != child[b]
    apart = pair_levels_many(words, profile, a[different], b[different])
    print(f"{len(records)} records, {len(left)} pairs of one child, {different.sum()} random pairs")
    for f in range(FIELDS):
        counts = np.bincount(same[:, f], minlength=LEVELS)[:MISSING].astype(float)
        m = counts / counts.sum()
        print(f"m {NAMES[f]:<10} measured {np.round(m, 4).tolist()}")
        print(f"  {'':<10} in scoring {M_PRIOR_DENSE[f].tolist()}")
    for f in range(FIELDS):
        counts = np.bincount(apart[:, f], minlength=LEVELS).astype(float)
        u = counts / counts.sum()
        print(f"u {NAMES[f]:<10} measured {np.round(u, 4).tolist()}")
        print(f"  {'':<10} in scoring {U_PRIOR_DENSE[f].tolist()}")


if __name__ == "__main__":
    main()

"""LSH blocking: links scored inside the bands equal the scored candidates, and few are lost."""

from __future__ import annotations

import numpy as np

from balise.linkage.blocking import candidate_links, candidate_pairs
from balise.linkage.dedupe import DedupeParams, dedupe_words
from balise.linkage.encode import Encoder
from balise.linkage.evaluation import pair_keys, pairwise_quality
from balise.linkage.kernels import all_pairs_above, score_pairs
from balise.linkage.scoring import estimate_model, record_profile
from balise.linkage.secret import NetworkSecret
from balise.linkage.synthetic import make_records

RECORDS = make_records(800, seed=5)
ENCODER = Encoder(NetworkSecret(bytes(range(3, 35))))
WORDS = np.frombuffer(
    b"".join(ENCODER.encode_bytes(r.first_name, r.last_name, r.birth_date, r.sex) for r in RECORDS),
    dtype=np.uint64,
).reshape(len(RECORDS), -1)
PROFILE = record_profile(WORDS)
MODEL = estimate_model(WORDS, PROFILE)


def test_it_links_exactly_the_candidates_that_score() -> None:
    left, right = candidate_pairs(WORDS)
    scores = score_pairs(WORDS, PROFILE, left, right, MODEL.weights)
    keep = scores >= MODEL.threshold
    expected = pair_keys(left[keep], right[keep])
    link_left, link_right, evaluated = candidate_links(
        WORDS, PROFILE, MODEL.weights, MODEL.threshold
    )
    assert np.array_equal(pair_keys(link_left, link_right), expected)
    assert evaluated >= len(left)


def test_it_loses_few_of_the_links_all_pairs_would_make() -> None:
    every = pair_keys(*all_pairs_above(WORDS, PROFILE, MODEL.weights, MODEL.threshold))
    found = pair_keys(*candidate_links(WORDS, PROFILE, MODEL.weights, MODEL.threshold)[:2])
    assert np.isin(every, found).mean() >= 0.97


def test_it_dedupes_through_blocking_about_as_well_as_exhaustively() -> None:
    truth = [r.child_id for r in RECORDS]
    blocked = dedupe_words(WORDS, DedupeParams(exhaustive_up_to=0))
    exhaustive = dedupe_words(WORDS, DedupeParams(exhaustive_up_to=10**9))
    assert exhaustive.candidates == len(RECORDS) * (len(RECORDS) - 1) // 2
    f1_blocked = pairwise_quality(truth, list(blocked.labels)).f1
    f1_exhaustive = pairwise_quality(truth, list(exhaustive.labels)).f1
    assert f1_blocked >= f1_exhaustive - 0.02

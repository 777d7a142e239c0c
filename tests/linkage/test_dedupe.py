"""Deduplication: the traps (twins, namesakes), the variants (swap, transliteration), quality."""

from __future__ import annotations

import numpy as np
import pytest

from balise.linkage.dedupe import dedupe_words
from balise.linkage.encode import Encoder
from balise.linkage.evaluation import pairwise_quality
from balise.linkage.kernels import MISSING, pair_levels_many, score_pairs
from balise.linkage.scoring import ScoringParams, estimate_model, record_profile
from balise.linkage.secret import NetworkSecret
from balise.linkage.synthetic import make_records

ENCODER = Encoder(NetworkSecret(bytes(range(1, 33))))


def _labels(*identities: tuple[str, str, str, str]) -> list[int]:
    raw = b"".join(ENCODER.encode_bytes(*identity) for identity in identities)
    words = np.frombuffer(raw, dtype=np.uint64).reshape(len(identities), -1)
    return [int(label) for label in dedupe_words(words).labels]


def test_it_links_one_childs_variants() -> None:
    labels = _labels(
        ("Jean-Pierre", "Van den Broeck", "2010-03-05", "M"),
        ("JEAN PIERRE", "VANDENBROECK", "2010-03-05", "M"),
        ("Jean", "Van den Broeck", "2010-05-03", ""),
        ("Mohamed", "El Amrani", "2008-01-01", "M"),
        ("Muhammad", "Elamrani", "2008-01-01", "M"),
        ("El Amrani", "Mohammed", "2008-01-01", "M"),
        ("Youssef", "Tahiri", "2011-06-12", "M"),
        ("Yusuf", "Tahiri", "", "M"),
    )
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] == labels[5]
    assert labels[6] == labels[7]
    assert len(set(labels)) == 3


def test_it_keeps_twins_namesakes_and_siblings_apart() -> None:
    labels = _labels(
        ("Sara", "Benali", "2012-07-14", "F"),
        ("Yasmine", "Benali", "2012-07-14", "F"),  # twin
        ("Adam", "Benali", "2015-02-20", "M"),  # sibling
        ("Lucas", "Peeters", "2011-04-22", "M"),
        ("Lucas", "Peeters", "2016-09-03", "M"),  # namesake
    )
    assert len(set(labels)) == 5


def test_it_keeps_namesakes_apart_when_each_ones_date_recurs() -> None:
    labels = _labels(
        ("Lucas", "Peeters", "2015-04-19", "M"),
        ("LUCAS", "PEETERS", "2015-04-19", "M"),
        ("Lucas", "Peeters", "2015-04-28", "M"),
        ("Lucas", "Peeters", "2015-04-28", "M"),
        ("Noor", "Hashimi", "2014-03-02", "F"),
        ("NOOR", "HASHIMI", "2014-03-02", "F"),
        ("Noor", "Hakimi", "2014-03-02", "F"),
        ("Noor", "Hakimi", "2014-03-02", "F"),
    )
    assert labels[0] == labels[1] != labels[2] == labels[3]
    assert labels[4] == labels[5] != labels[6] == labels[7]


def test_it_links_a_date_or_surname_mistyped_once() -> None:
    labels = _labels(
        ("Lucas", "Peeters", "2015-04-19", "M"),
        ("LUCAS", "PEETERS", "2015-04-19", "M"),
        ("Lucas", "Peeters", "2015-04-28", "M"),  # the day mistyped in one register
        ("Noor", "Hashimi", "2014-03-02", "F"),
        ("NOOR", "HASHIMI", "2014-03-02", "F"),
        ("Noor", "Hakimi", "2014-03-02", "F"),  # the surname mistyped once
    )
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] == labels[5]
    assert labels[0] != labels[3]


def test_it_reaches_a_useful_quality_on_generated_records() -> None:
    records = make_records(1000, seed=2)
    raw = b"".join(
        ENCODER.encode_bytes(r.first_name, r.last_name, r.birth_date, r.sex) for r in records
    )
    words = np.frombuffer(raw, dtype=np.uint64).reshape(len(records), -1)
    quality = pairwise_quality([r.child_id for r in records], list(dedupe_words(words).labels))
    assert quality.f1 >= 0.9, quality
    assert abs(quality.count_error) <= 0.06, quality


def test_it_charges_a_pair_once_more_when_a_name_and_the_date_are_both_damaged() -> None:
    identities = [
        ("Amine", "El Khattabi", "2017-03-19", "M"),
        ("Amine", "El Hamdaoui", "2017-09-22", "M"),  # another child: surname and date differ
        ("Amine", "El Khattabi", "2017-09-22", "M"),  # the date alone differs
    ]
    raw = b"".join(ENCODER.encode_bytes(*identity) for identity in identities)
    words = np.frombuffer(raw, dtype=np.uint64).reshape(len(identities), -1).copy()
    profile = record_profile(words)
    left, right = np.array([0, 0]), np.array([1, 2])
    levels = pair_levels_many(words, profile, left, right)
    assert 2 <= levels[0, 1] < MISSING  # surname damaged ...
    assert 2 <= levels[0, 2] < MISSING  # ... and date too
    assert levels[1, 1] == 0  # surname intact ...
    assert 2 <= levels[1, 2] < MISSING  # ... the date alone damaged
    scores = {}
    for penalty in (0.0, 3.0):
        model = estimate_model(words, profile, ScoringParams(double_damage_penalty=penalty))
        scores[penalty] = score_pairs(words, profile, left, right, model.weights)
    assert scores[0.0][0] - scores[3.0][0] == pytest.approx(3.0)
    assert scores[0.0][1] == scores[3.0][1]

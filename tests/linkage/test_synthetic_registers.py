"""Generator B (balise.linkage.synthetic_registers): independent registers with ground truth."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest

from balise.linkage.dedupe import dedupe_words
from balise.linkage.encode import Encoder
from balise.linkage.evaluation import pairwise_quality
from balise.linkage.normalise import parse_birth_date
from balise.linkage.secret import NetworkSecret
from balise.linkage.synthetic import make_records
from balise.linkage.synthetic_registers import REFERENCE_DAY, make_children, make_registers

ENCODER = Encoder(NetworkSecret(bytes(range(9, 41))))


def test_it_is_reproducible_and_near_the_size_asked() -> None:
    first, again = make_registers(1000, seed=4), make_registers(1000, seed=4)
    assert first == again
    assert make_registers(1000, seed=5) != first
    assert 900 <= len(first) <= 1100
    assert len({r.record_id for r in first}) == len(first)


def test_it_writes_only_values_the_encoder_accepts() -> None:
    for record in make_registers(2000, seed=1):
        ENCODER.encode_bytes(record.first_name, record.last_name, record.birth_date, record.sex)
        date = parse_birth_date(record.birth_date)
        assert date.year is None or date.year <= REFERENCE_DAY.year


def test_it_builds_families_with_twins_siblings_and_patronymic_surnames() -> None:
    kids = make_children(4000, seed=2)
    families: dict[int, list[int]] = defaultdict(list)
    for kid in kids:
        families[kid.family].append(kid.child_id)
    assert max(len(members) for members in families.values()) >= 4
    twins = Counter((kid.family, kid.born) for kid in kids)
    assert any(count == 2 for count in twins.values())
    horn = [kid for kid in kids if kid.origin == "horn"]
    assert horn
    assert any(kid.estimated for kid in horn)


def test_it_shares_few_names_with_generator_a() -> None:
    ours = {r.last_name.lower() for r in make_registers(3000, seed=1)}
    theirs = {r.last_name.lower() for r in make_records(1500, seed=1)}
    assert len(ours & theirs) < 0.05 * len(ours)


def test_it_damages_records_so_that_exact_matching_misses_many_links() -> None:
    records = make_registers(1500, seed=3)
    truth = [r.child_id for r in records]
    exact = [(r.first_name.lower(), r.last_name.lower(), r.birth_date) for r in records]
    assert pairwise_quality(truth, exact).recall < 0.6


@pytest.mark.xfail(
    strict=True,
    reason="known miss under spec v2: on generator B the engine splits about 11% too many "
    "children (v1: 10%) and the interval (584-630 for a truth of 566) does not reach the truth; "
    "see docs/linkage.md, 'Spec v2 and the count'. Passing again means the miss is mended.",
)
def test_the_interval_covers_the_truth_on_a_fixed_set() -> None:
    records = make_registers(1500, seed=7)
    raw = b"".join(
        ENCODER.encode_bytes(r.first_name, r.last_name, r.birth_date, r.sex) for r in records
    )
    words = np.frombuffer(raw, dtype=np.uint64).reshape(len(records), -1)
    result = dedupe_words(words, interval=True)
    assert result.children is not None
    truth = len({r.child_id for r in records})
    assert result.children.low <= truth <= result.children.high

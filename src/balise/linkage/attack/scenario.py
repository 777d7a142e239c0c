"""The attacked set, the stolen copy made from it, the attacker's background and the truth.

This is the victim's side of the experiment: it alone holds the secret and the plaintext. The
attacks receive only `Scenario.copy` and `Scenario.background`; the truth is for scoring.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from balise.linkage.attack.data import (
    Background,
    Facts,
    StolenCopy,
    Words,
    first_words,
    last_words,
)
from balise.linkage.encode import Encoder
from balise.linkage.normalise import InvalidField, parse_birth_date, parse_sex
from balise.linkage.secret import NetworkSecret
from balise.linkage.spec import EncodingSpec
from balise.linkage.synthetic import REFERENCE_YEAR, Record, make_children, make_records

BACKGROUNDS = ("population", "register")
REGISTER_SECTOR = "police"  # one organisation's own register (about 860 records of 3,000 children)
MISSING_AGE_RATE = 0.03
MISSING_GENDER_RATE = 0.02


@dataclass(frozen=True)
class Truth:
    first: tuple[Words, ...]
    last: tuple[Words, ...]
    sex: tuple[str, ...]  # as encoded ("" when missing)
    birth_year: tuple[int | None, ...]  # the encoded year (an estimate when the date was)


@dataclass(frozen=True)
class Scenario:
    copy: StolenCopy
    background: Background
    background_name: str
    truth: Truth


def _facts(records: list[Record], children: int, seed: int) -> tuple[Facts, ...]:
    known = make_children(children, seed)
    born = {c.child_id: c.birth_date for c in known}
    sex_of = {c.child_id: c.sex for c in known}
    rng = random.Random(seed * 7919 + 3)  # noqa: S311 - reproducible test data
    facts: list[Facts] = []
    for record in records:
        year, month, day = (int(part) for part in born[record.child_id].split("-"))
        detected = rng.randint(1, 12)
        age: int | None = REFERENCE_YEAR - year - ((detected, 15) < (month, day))
        if rng.random() < MISSING_AGE_RATE:
            age = None
        gender = sex_of[record.child_id]  # the recorder sees the child, whatever the form says
        if rng.random() < MISSING_GENDER_RATE:
            gender = ""
        facts.append(Facts(age, gender, REFERENCE_YEAR, detected))
    return tuple(facts)


def _encoded_year(text: str) -> int | None:
    try:
        return parse_birth_date(text).year
    except InvalidField:
        return None


def make_scenario(
    *,
    children: int,
    seed: int,
    secret: NetworkSecret,
    spec: EncodingSpec,
    background: str = "population",
    background_seed: int | None = None,
) -> Scenario:
    """Encode a generated set under `secret`; the background never shares its plaintext."""
    records = make_records(children, seed=seed)
    encoder = Encoder(secret, spec)
    raw = b"".join(
        encoder.encode_bytes(r.first_name, r.last_name, r.birth_date, r.sex) for r in records
    )
    words = np.frombuffer(raw, dtype=np.uint64).reshape(len(records), -1).copy()
    copy = StolenCopy(
        spec, tuple(r.record_id for r in records), words, _facts(records, children, seed)
    )
    if background == "population":
        other = make_records(children, seed=background_seed if background_seed else seed + 104_729)
        known = Background.from_identities(
            (r.first_name, r.last_name, r.birth_date, r.sex) for r in other
        )
    elif background == "register":
        own = [i for i, r in enumerate(records) if r.sector == REGISTER_SECTOR]
        known = Background.from_identities(
            (records[i].first_name, records[i].last_name, records[i].birth_date, records[i].sex)
            for i in own
        )
        known.own_records = {i: (records[i].first_name, records[i].last_name) for i in own}
    else:
        raise ValueError(f"unknown background {background!r}")
    truth = Truth(
        tuple(first_words(r.first_name) for r in records),
        tuple(last_words(r.last_name) for r in records),
        tuple(parse_sex(r.sex) for r in records),
        tuple(_encoded_year(r.birth_date) for r in records),
    )
    return Scenario(copy, known, background, truth)

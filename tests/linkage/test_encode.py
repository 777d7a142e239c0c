"""Encoding: deterministic, keyed, per field, and close for one child's variants."""

from __future__ import annotations

import base64
import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from balise.linkage.encode import Encoder
from balise.linkage.reference import dice
from balise.linkage.secret import NetworkSecret, loads_secret, new_secret
from balise.linkage.spec import CURRENT, VECTORS_V1
from balise.linkage.vectors import build

SECRET = NetworkSecret(bytes(range(32)))
ENCODER = Encoder(SECRET)

names = st.text(alphabet="abcdeéèfghijklmnoöpqrstuvwxyz -'", max_size=20)
dates = st.sampled_from(["", "2010", "2010-04", "2010-04-05", "2009-01-01"])
sexes = st.sampled_from(["", "M", "F", "X"])


def words(first: str, last: str, date: str = "", sex: str = "") -> np.ndarray:
    raw = ENCODER.encode_bytes(first, last, date, sex)
    return np.frombuffer(raw, dtype=np.uint64)


@settings(max_examples=60)
@given(names, names, dates, sexes)
def test_it_encodes_deterministically(first: str, last: str, date: str, sex: str) -> None:
    fresh = Encoder(SECRET)
    assert fresh.encode(first, last, date, sex) == ENCODER.encode(first, last, date, sex)
    assert len(base64.b64decode(ENCODER.encode(first, last, date, sex))) == CURRENT.total_bytes


def test_it_depends_on_the_secret() -> None:
    other = Encoder(new_secret())
    assert other.encode("Emma", "Peeters", "2010-01-02", "F") != ENCODER.encode(
        "Emma", "Peeters", "2010-01-02", "F"
    )


def test_it_keeps_the_committed_vectors() -> None:
    assert json.loads(VECTORS_V1.read_text("utf-8")) == build()


def test_it_round_trips_the_secret_file() -> None:
    secret = new_secret()
    assert loads_secret(secret.dumps()).key_id == secret.key_id
    assert "secret=" not in repr(secret)


def test_it_keeps_variants_of_one_child_close_and_twins_apart() -> None:
    base = words("Jean-Pierre", "Van den Broeck", "2010-03-05", "M")
    assert dice(base, words("JEAN PIERRE", "Vandenbroeck", "2010-05-03", "M")) > 0.8
    assert dice(base, words("Jean", "Broeck", "2010-03-05", "M")) > 0.6
    child = words("Mohamed", "El Amrani", "2008-01-01", "M")
    assert dice(child, words("Muhammad", "Elamrani", "2009-01-01", "M")) > 0.6
    twin = words("Sara", "Benali", "2012-07-14", "F")
    assert dice(twin, words("Yasmine", "Benali", "2012-07-14", "F")) < dice(
        twin, words("Sarah", "Ben Ali", "2012-07-14", "F")
    )

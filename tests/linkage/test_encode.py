"""Encoding: deterministic, keyed, per field, and close for one child's variants."""

from __future__ import annotations

import base64
import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from balise.linkage.encode import Encoder
from balise.linkage.secret import NetworkSecret, loads_secret, new_secret
from balise.linkage.spec import CURRENT, SPECS, VECTORS
from balise.linkage.twins import dice
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
    for version, path in VECTORS.items():
        assert json.loads(path.read_text("utf-8")) == build(SPECS[version]), version


def test_it_round_trips_the_secret_file() -> None:
    secret = new_secret()
    assert loads_secret(secret.dumps()).key_id == secret.key_id
    assert "secret=" not in repr(secret)


def test_it_keeps_v1_variants_of_one_child_close_and_twins_apart() -> None:
    from balise.linkage.spec import SPEC_V1

    encoder = Encoder(SECRET, SPEC_V1)

    def words(first: str, last: str, date: str = "", sex: str = "") -> np.ndarray:
        return np.frombuffer(encoder.encode_bytes(first, last, date, sex), dtype=np.uint64)

    base = words("Jean-Pierre", "Van den Broeck", "2010-03-05", "M")
    assert dice(base, words("JEAN PIERRE", "Vandenbroeck", "2010-05-03", "M")) > 0.8
    assert dice(base, words("Jean", "Broeck", "2010-03-05", "M")) > 0.6
    child = words("Mohamed", "El Amrani", "2008-01-01", "M")
    assert dice(child, words("Muhammad", "Elamrani", "2009-01-01", "M")) > 0.6
    twin = words("Sara", "Benali", "2012-07-14", "F")
    assert dice(twin, words("Yasmine", "Benali", "2012-07-14", "F")) < dice(
        twin, words("Sarah", "Ben Ali", "2012-07-14", "F")
    )


def _segments(raw: bytes) -> list[np.ndarray]:
    bits = np.unpackbits(np.frombuffer(raw, np.uint8))
    return [bits[:768], bits[768:1536], bits[1536:]]


def test_it_votes_every_bit_of_a_v2_segment_by_keyed_majority() -> None:
    from balise.linkage.spec import SPEC_V2

    encoder = Encoder(SECRET, SPEC_V2)
    child = _segments(encoder.encode_bytes("Mohamed", "El Amrani", "2008-01-01", "M"))
    # dense: about half the bits of a present field are set, a missing field is all zero
    assert all(0.35 < segment.mean() < 0.65 for segment in child)
    empty = _segments(encoder.encode_bytes("", "El Amrani", "", "M"))
    assert empty[0].sum() == 0
    assert empty[2].sum() == 0
    # the sex is not encoded in v2 (it is still validated)
    assert encoder.encode_bytes("Mohamed", "El Amrani", "2008-01-01", "F") == (
        encoder.encode_bytes("Mohamed", "El Amrani", "2008-01-01", "")
    )

    def flips(a: str, b: str) -> int:
        x = _segments(encoder.encode_bytes(a, "", "", ""))[0]
        y = _segments(encoder.encode_bytes(b, "", "", ""))[0]
        return int((x != y).sum())

    # similar values stay close, unrelated ones differ in about half the bits
    assert flips("Mohamed", "MOHAMMED") == 0  # one normalised value
    assert flips("Christina", "Christine") < flips("Christina", "Peeters") - 100
    assert 320 < flips("Sarah", "Peeters") < 448


def test_it_gives_each_part_of_a_v2_date_its_own_bits() -> None:
    from balise.linkage.spec import SPEC_V2

    encoder = Encoder(SECRET, SPEC_V2)

    def date(text: str) -> np.ndarray:
        return _segments(encoder.encode_bytes("", "", text, ""))[2]

    full, month, year = date("2010-03-05"), date("2010-03"), date("2010")
    # a partial date equals the full one on the parts it has; the others stay empty
    assert np.array_equal(full[:256], month[:256])
    assert not month[256:].any()
    assert np.array_equal(full[:128], year[:128])
    assert not year[128:].any()
    assert not np.array_equal(full[256:], date("2010-03-06")[256:])

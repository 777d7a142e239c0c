"""One regression test per kind of damage seen on independent registers (issue 12 §2).

Each case is two records of one child, damaged in one way. All cases are dropped together into
a background of generated records (generator A, 300 children) and linked in one run, so that
the engine estimates its model on a realistic population, as it does on a network's data; the
two records of each case must end in one cluster.
The kinds that make two children look alike (namesakes, siblings, twins) must stay apart.
Real encodings under a fixed secret: the assertions read the clusters `dedupe_words` returns.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from balise.linkage.dedupe import dedupe_words
from balise.linkage.encode import Encoder
from balise.linkage.secret import NetworkSecret
from balise.linkage.synthetic import make_records

ENCODER = Encoder(NetworkSecret(bytes(range(40, 72))))
Identity = tuple[str, str, str, str]


SAME_CHILD: dict[str, tuple[Identity, Identity]] = {
    "typo in the first name, surname and date intact": (
        ("Mathilde", "Vanderlinden", "2013-05-21", "F"),
        ("Mathlide", "Vanderlinden", "2013-05-21", "F"),
    ),
    "typo in the surname": (
        ("Rayan", "Boukhari", "2012-10-03", "M"),
        ("Rayan", "Boukhary", "2012-10-03", "M"),
    ),
    "first and last names swapped": (
        ("Samira", "Ouazzani", "2011-02-17", "F"),
        ("Ouazzani", "Samira", "2011-02-17", "F"),
    ),
    "first and last names swapped, with a typo": (
        ("Ibrahim", "Tahiri", "2014-08-09", "M"),
        ("Tahiry", "Ibrahim", "2014-08-09", "M"),
    ),
    "no birth date in one record, rare full name": (
        ("Ghebremariam", "Tesfamichael", "2015-06-30", "M"),
        ("Ghebremariam", "Tesfamichael", "", "M"),
    ),
    "one date holds the year only": (
        ("Noor", "Rahimzai", "2016-11-04", "F"),
        ("Noor", "Rahimzai", "2016", "F"),
    ),
    "one date holds the year and month only": (
        ("Elias", "Dewaele", "2010-04-15", "M"),
        ("Elias", "Dewaele", "2010-04", "M"),
    ),
    "day and month swapped": (
        ("Chloé", "Lambrechts", "2012-03-11", "F"),
        ("Chloe", "Lambrechts", "2012-11-03", "F"),
    ),
    "estimated 1 January against the real date": (
        ("Hekmatullah", "Sherzai", "2009-06-14", "M"),
        ("Hekmatullah", "Sherzai", "2009-01-01", "M"),
    ),
    "compound first name against one of its parts": (
        ("Marie-Claire", "Verhaegen", "2011-09-08", "F"),
        ("Marie", "Verhaegen", "2011-09-08", "F"),
    ),
    "double surname against one of its parts": (
        ("Lucas", "Van den Berghe", "2014-02-25", "M"),
        ("Lucas", "Berghe", "2014-02-25", "M"),
    ),
    "particle glued": (
        ("Yassine", "El Idrissi", "2010-07-19", "M"),
        ("Yassine", "Elidrissi", "2010-07-19", "M"),
    ),
    "transliteration": (
        ("Youssef", "Benkhaddouj", "2012-01-23", "M"),
        ("Yusuf", "Benkhaddouj", "2012-01-23", "M"),
    ),
    "sex missing in one record": (
        ("Aya", "Moussaoui", "2015-03-30", "F"),
        ("Aya", "Moussaoui", "2015-03-30", ""),
    ),
    "sex wrong in one record": (
        ("Aya", "Moussaoui", "2015-03-30", "F"),
        ("Aya", "Moussaoui", "2015-03-30", "M"),
    ),
    "first name missing in one record": (
        ("Dalia", "Kowalczyk", "2016-08-02", "F"),
        ("", "Kowalczyk", "2016-08-02", "F"),
    ),
}


# Known miss: every part of the two dates differs (year, month, day), so the date reads as a
# disagreement (level 5-6) and two common-enough names do not carry the pair over the threshold.
# Dates a few days apart across New Year share no token but the neighbouring-year one; linking
# them needs day-distance tokens in the encoding (a spec change). docs/linkage.md, "Not met".
YEAR_BOUNDARY: tuple[Identity, Identity] = (
    ("Amir", "Haddouchi", "2013-12-27", "M"),
    ("Amir", "Haddouchi", "2014-01-06", "M"),
)

TWO_CHILDREN: dict[str, tuple[Identity, Identity]] = {
    "twins": (
        ("Sara", "Benali", "2012-07-14", "F"),
        ("Yasmine", "Benali", "2012-07-14", "F"),
    ),
    "siblings born close": (
        ("Adam", "Mertens", "2015-02-20", "M"),
        ("Ilyas", "Mertens", "2016-01-03", "M"),
    ),
    "namesakes with a common name and other dates": (
        ("Lucas", "Peeters", "2011-04-22", "M"),
        ("Lucas", "Peeters", "2016-09-03", "M"),
    ),
}


@cache
def _clusters() -> dict[str, tuple[int, int]]:
    """The clusters of each case's two records, all cases linked in one run with the background."""
    records = make_records(300, seed=8)
    background = [(r.first_name, r.last_name, r.birth_date, r.sex) for r in records]
    cases = {**SAME_CHILD, **TWO_CHILDREN, "year boundary": YEAR_BOUNDARY}
    identities = background + [identity for pair in cases.values() for identity in pair]
    raw = b"".join(ENCODER.encode_bytes(*identity) for identity in identities)
    words = np.frombuffer(raw, dtype=np.uint64).reshape(len(identities), -1)
    labels = [int(label) for label in dedupe_words(words).labels]
    at = len(background)
    return {kind: (labels[at + 2 * k], labels[at + 2 * k + 1]) for k, kind in enumerate(cases)}


@pytest.mark.parametrize("kind", sorted(SAME_CHILD))
def test_it_links_one_child_damaged_in_one_way(kind: str) -> None:
    first, second = _clusters()[kind]
    assert first == second, kind


@pytest.mark.parametrize("kind", sorted(TWO_CHILDREN))
def test_it_keeps_two_children_apart(kind: str) -> None:
    first, second = _clusters()[kind]
    assert first != second, kind


@pytest.mark.xfail(
    strict=True,
    reason="known miss: close dates across a year boundary share no date token but the "
    "neighbouring year's (needs a spec change); passing means it is mended",
)
def test_it_links_close_dates_across_a_year_boundary() -> None:
    first, second = _clusters()["year boundary"]
    assert first == second

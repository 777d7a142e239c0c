"""Test vectors of the encoding spec (docs/encoding.md §8): `python -m balise.linkage.vectors`.

The JSON file is checked by Python and JavaScript tests alike; regenerate it only together with a
new spec version.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from balise.linkage.encode import Encoder
from balise.linkage.normalise import (
    YEARLESS_SINCE_VERSION,
    InvalidField,
    date_tokens,
    first_name_forms,
    last_name_forms,
    name_tokens,
    parse_birth_date,
    parse_sex,
    plausible_parts,
)
from balise.linkage.secret import NetworkSecret
from balise.linkage.spec import SPECS, VECTORS, EncodingSpec

VECTOR_SECRET = NetworkSecret(bytes(range(32)))

IDENTITIES: tuple[tuple[str, str, str, str], ...] = (
    ("Jean-Pierre", "Van den Broeck", "2010-03-05", "M"),
    ("jean pierre", "VANDENBROECK", "2010-03-05", "M"),
    ("Jean", "Broeck", "2010-05-03", ""),
    ("Marie-Louise", "De la Croix", "2012-12", "F"),
    ("Élodie", "D'Hondt", "2011", "F"),
    ("Mohamed", "El Amrani", "2008-01-01", "M"),
    ("Muhammad", "Elamrani", "2009-01-01", "M"),
    ("Mohammed", "EL-AMRANI", "", ""),
    ("Youssef", "Benali", "2012-07-14", "M"),
    ("Youcef", "Ben Ali", "2012-07-14", "M"),
    ("Yusuf", "Benali", "2012-07-41", "M"),
    ("Aïcha", "Tahiri", "2011-02-28", "F"),
    ("Aisha", "tahiri", "2011-02-28", "F"),
    ("Tesfaye", "Gebremedhin", "2009-01-01", "M"),
    ("Gebremedhin", "Tesfay", "2009-01-01", "M"),
    ("Abdirahman", "Warsame", "2010-06-15", "M"),
    ("Zahra", "Ahmadi", "2013-09-09", "F"),
    ("Ayşe", "Yılmaz", "2014-04-04", "F"),
    ("Grâce", "Mbuyi", "2015-11-30", "F"),
    ("Søren", "Łukasz-Ærø", "2016-02-29", "X"),
    ("ŒDIPE", "STRAßE", "2004", "m"),
    ("", "Peeters", "2010-10-10", "F"),
    ("Emma", "", "2010-10-10", "F"),
    ("", "", "", ""),
    ("Ｍａｒｉｅ", "Ｄｕｐｏｎｔ", "2012-01-31", "F"),
    ("  o'Brien  ", " de  Smet- Janssens ", "2007-08-09", "M"),
    ("Χρήστος", "Иванов", "2010-01-01", "M"),
)


# From spec v2 on (v1's vectors are frozen): year-less birth dates, valid or not (§5.1).
YEARLESS_IDENTITIES: tuple[tuple[str, str, str, str], ...] = (
    ("Amina", "Diallo", "--05-12", "F"),
    ("Amina", "Diallo", " --02-29 ", "F"),
    ("Amina", "Diallo", "--02-30", "F"),
    ("Amina", "Diallo", "--13-05", "F"),
)

# §5.4 damaged dates encoded with keep-plausible, judged against a fixed day: one per kind kept,
# valid dates (unchanged) and texts still refused.
DAMAGED_TODAY = dt.date(2026, 6, 1)
DAMAGED_DATES: tuple[str, ...] = (
    "1955-11-92", "2010-02-30", "2011-02-29", "2010-31-02", "2010-13", "2010-25-03",
    "2010-13-05", "2204-05-12", "1855-05-12", "2026-12-25", "2027-02-29", "2204-25-03",
    "--13-05", "2204-13-45", "2204-05", "2030", "2010-03-05", "--05-12", "2026-06-01", "",
    "10/02/2010", "2010-1-05",
)  # fmt: skip


def damaged_vector(encoder: Encoder, birth: str) -> dict[str, Any]:
    """What keep-plausible keeps of one damaged date, and the encoding of an identity with it."""
    first, last, sex = "Lina", "Maes", "F"
    result: dict[str, Any]
    try:
        kept, part = plausible_parts(birth, today=DAMAGED_TODAY, version=encoder.spec.version)
    except InvalidField as error:
        result = {"expected": {"error": error.field}}
    else:
        result = {
            "part": part.name if part is not None else None,
            "date_tokens": date_tokens(kept, ""),
            "expected": encoder.columns(first, last, kept, sex),
        }
    return {
        "input": {"first_name": first, "last_name": last, "birth_date": birth, "sex": sex},
        "options": {"damagedDates": "keep-plausible", "today": DAMAGED_TODAY.isoformat()},
        **result,
    }


def vector(encoder: Encoder, first: str, last: str, birth: str, sex: str) -> dict[str, Any]:
    first_forms, last_forms = first_name_forms(first), last_name_forms(last)
    try:
        expected: dict[str, Any] = encoder.columns(first, last, birth, sex)
        sex_code = parse_sex(sex) if encoder.spec.encodes_sex else ""
        tokens = date_tokens(parse_birth_date(birth, version=encoder.spec.version), sex_code)
    except ValueError as error:
        expected = {"error": str(error).split(":", 1)[0]}
        tokens = []
    return {
        "input": {"first_name": first, "last_name": last, "birth_date": birth, "sex": sex},
        "first_name_words": list(first_forms.words),
        "first_name_tokens": name_tokens(first_forms),
        "last_name_words": list(last_forms.words),
        "last_name_tokens": name_tokens(last_forms),
        "date_tokens": tokens,
        "expected": expected,
    }


def build(spec: EncodingSpec) -> dict[str, Any]:
    encoder = Encoder(VECTOR_SECRET, spec)
    built: dict[str, Any] = {
        "spec_version": spec.version,
        "secret_file": VECTOR_SECRET.dumps(),
        "key_id": VECTOR_SECRET.key_id,
        "vectors": [vector(encoder, *identity) for identity in IDENTITIES],
    }
    if spec.version >= YEARLESS_SINCE_VERSION:
        built["vectors"] += [vector(encoder, *identity) for identity in YEARLESS_IDENTITIES]
        built["damaged_dates"] = [damaged_vector(encoder, birth) for birth in DAMAGED_DATES]
    return built


def dumps(spec: EncodingSpec) -> str:
    return json.dumps(build(spec), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    for version, path in VECTORS.items():
        path.write_text(dumps(SPECS[version]), "utf-8")
        print(f"wrote {path}", file=sys.stderr)  # noqa: T201 - a developer tool
    return 0


if __name__ == "__main__":
    sys.exit(main())

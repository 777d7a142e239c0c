"""Test vectors of the encoding spec (docs/encoding.md §8): `python -m balise.linkage.vectors`.

The JSON file is checked by Python and JavaScript tests alike; regenerate it only together with a
new spec version.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from balise.linkage.encode import Encoder
from balise.linkage.normalise import (
    date_tokens,
    first_name_forms,
    last_name_forms,
    name_tokens,
    parse_birth_date,
    parse_sex,
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


def vector(encoder: Encoder, first: str, last: str, birth: str, sex: str) -> dict[str, Any]:
    first_forms, last_forms = first_name_forms(first), last_name_forms(last)
    try:
        expected: dict[str, Any] = encoder.columns(first, last, birth, sex)
        sex_code = parse_sex(sex) if encoder.spec.encodes_sex else ""
        tokens = date_tokens(parse_birth_date(birth), sex_code)
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
    return {
        "spec_version": spec.version,
        "secret_file": VECTOR_SECRET.dumps(),
        "key_id": VECTOR_SECRET.key_id,
        "vectors": [vector(encoder, *identity) for identity in IDENTITIES],
    }


def dumps(spec: EncodingSpec) -> str:
    return json.dumps(build(spec), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    for version, path in VECTORS.items():
        path.write_text(dumps(SPECS[version]), "utf-8")
        print(f"wrote {path}", file=sys.stderr)  # noqa: T201 - a developer tool
    return 0


if __name__ == "__main__":
    sys.exit(main())

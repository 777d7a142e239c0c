"""encoding.js agrees with the Python encoder: shared vectors and random identities."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from balise.linkage.encode import Encoder
from balise.linkage.normalise import (
    BirthDate,
    DatePart,
    InvalidField,
    date_tokens,
    parse_birth_date,
    plausible_parts,
)
from balise.linkage.secret import new_secret
from balise.linkage.synthetic import make_records

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "src/balise/static/balise/js/encoding.js"
NODE = shutil.which("node")
TODAY = dt.date(2026, 6, 1)  # dates after it are damaged (§5.4)
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = """
import { readFileSync } from "node:fs";
import { encodeIdentity } from "%s";
const { secret, identities, options } = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const out = [];
for (const [i, identity] of identities.entries()) {
  try { out.push(await encodeIdentity(secret, identity, options[i])); }
  catch (error) { out.push({ error: error.field ?? String(error) }); }
}
process.stdout.write(JSON.stringify(out));
"""


def test_it_passes_the_node_vector_tests() -> None:
    result = subprocess.run(
        [str(NODE), "--test", str(ROOT / "tests/js")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def _random_text(rng: random.Random) -> str:
    alphabet = "aàâäbcçdeéèêëfghiïîjklmnñoôöœpqrsßtuùüvwxyÿzAÉÖØŁ -'’.æıİ"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))


def test_it_encodes_random_identities_like_python(tmp_path: Path) -> None:
    rng = random.Random(4)
    identities = [r.identity() for r in make_records(150, seed=9)]
    for _ in range(150):
        identities.append(
            {
                "first_name": _random_text(rng),
                "last_name": _random_text(rng),
                "birth_date": rng.choice(["", "2010", "2011-02", "2012-02-29", "2013-02-29"]),
                "sex": rng.choice(["", "M", "f", "X", "Q"]),
            }
        )
    options: list[dict[str, str]] = [{} for _ in identities]
    # damaged and year-less dates (§5.4), refused or kept partially
    for record in make_records(100, seed=11):
        identity = record.identity()
        identity["birth_date"] = _random_date_text(rng)
        identities.append(identity)
        keep = rng.random() < 0.7
        options.append(
            {"damagedDates": "keep-plausible", "today": TODAY.isoformat()} if keep else {}
        )
    secret = new_secret()
    source = tmp_path / "identities.json"
    payload = {"secret": secret.dumps(), "identities": identities, "options": options}
    source.write_text(json.dumps(payload), "utf-8")
    runner = tmp_path / "run.mjs"
    runner.write_text(RUNNER % MODULE.as_uri(), "utf-8")
    result = subprocess.run(
        [str(NODE), str(runner), str(source)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    from_node = json.loads(result.stdout)
    encoder = Encoder(secret)
    kept_partially = 0
    for identity, option, node_columns in zip(identities, options, from_node, strict=True):
        try:
            birth: str | BirthDate = identity["birth_date"]
            if option:
                birth, part = plausible_parts(identity["birth_date"], today=TODAY)
                kept_partially += part is not None
            expected: dict[str, str] = encoder.columns(
                identity["first_name"], identity["last_name"], birth, identity["sex"]
            )
        except InvalidField as error:
            expected = {"error": error.field}
        assert node_columns == expected, (identity, option)
    assert kept_partially > 20


DATES_RUNNER = """
import { readFileSync } from "node:fs";
import { plausibleParts, parseBirthDate, dateTokens } from "%s";
const { texts, today, version } = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const out = [];
for (const text of texts) {
  const row = {};
  try { row.tokens = dateTokens(parseBirthDate(text, { version }), ""); }
  catch (error) { row.refused = error.field; }
  try {
    const kept = plausibleParts(text, { today, version });
    row.kept = dateTokens(kept.date, "");
    row.part = kept.part;
  } catch (error) { row.kept_refused = error.field; }
  out.push(row);
}
process.stdout.write(JSON.stringify(out));
"""


def _random_date_text(rng: random.Random) -> str:
    def two() -> str:
        return f"{rng.choice([rng.randint(0, 13), rng.randint(0, 35), rng.randint(0, 99)]):02d}"

    year = rng.choice([rng.randint(1890, 2210), rng.randint(2020, 2030), rng.randint(0, 9999)])
    form = rng.randrange(6)
    if form == 0:
        return f"{year:04d}"
    if form == 1:
        return f"{year:04d}-{two()}"
    if form == 2:
        return f"--{two()}-{two()}"
    if form == 3:
        return rng.choice(["", " 2012-02-29 ", "10/02/2010", "2010-1-05", "--5-12", "-05-12"])
    return f"{year:04d}-{two()}-{two()}"


@pytest.mark.parametrize("version", [1, 2])
def test_it_reads_and_keeps_damaged_dates_like_python(tmp_path: Path, version: int) -> None:
    rng = random.Random(version)
    texts = [_random_date_text(rng) for _ in range(3000)]
    today = TODAY
    source = tmp_path / "dates.json"
    payload = {"texts": texts, "today": today.isoformat(), "version": version}
    source.write_text(json.dumps(payload), "utf-8")
    runner = tmp_path / "dates.mjs"
    runner.write_text(DATES_RUNNER % MODULE.as_uri(), "utf-8")
    result = subprocess.run(
        [str(NODE), str(runner), str(source)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    kinds: set[str | None] = set()
    for text, from_node in zip(texts, json.loads(result.stdout), strict=True):
        expected: dict[str, object] = {}
        try:
            expected["tokens"] = date_tokens(parse_birth_date(text, version=version), "")
        except InvalidField as error:
            expected["refused"] = error.field
        try:
            kept, part = plausible_parts(text, today=today, version=version)
            expected["kept"] = date_tokens(kept, "")
            expected["part"] = part.name if part is not None else None
            kinds.add(part.name if part is not None else None)
        except InvalidField as error:
            expected["kept_refused"] = error.field
        assert from_node == expected, text
    yearless = {DatePart.MONTH_DAY.name, DatePart.DAY_AND_MONTH.name}
    every_kind = {None, *(part.name for part in DatePart)}
    assert kinds == (every_kind if version == 2 else every_kind - yearless)

"""encoding.js agrees with the Python encoder: shared vectors and random identities."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from balise.linkage.encode import Encoder
from balise.linkage.normalise import InvalidField
from balise.linkage.secret import new_secret
from balise.linkage.synthetic import make_records

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "src/balise/static/balise/js/encoding.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = """
import { readFileSync } from "node:fs";
import { encodeIdentity } from "%s";
const { secret, identities } = JSON.parse(readFileSync(process.argv[2], "utf-8"));
const out = [];
for (const identity of identities) {
  try { out.push(await encodeIdentity(secret, identity)); }
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
    secret = new_secret()
    source = tmp_path / "identities.json"
    source.write_text(json.dumps({"secret": secret.dumps(), "identities": identities}), "utf-8")
    runner = tmp_path / "run.mjs"
    runner.write_text(RUNNER % MODULE.as_uri(), "utf-8")
    result = subprocess.run(
        [str(NODE), str(runner), str(source)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    from_node = json.loads(result.stdout)
    encoder = Encoder(secret)
    for identity, node_columns in zip(identities, from_node, strict=True):
        try:
            expected: dict[str, str] = encoder.columns(
                identity["first_name"], identity["last_name"], identity["birth_date"],
                identity["sex"],
            )  # fmt: skip
        except InvalidField as error:
            expected = {"error": error.field}
        assert node_columns == expected, identity

"""`balise secret new`, `balise encode`, `balise dedupe` end to end, through a subprocess."""

from __future__ import annotations

import base64
import csv
import json
import stat
from pathlib import Path

import pytest

from balise.linkage.normalise import clean, first_name_forms, last_name_forms
from balise.linkage.secret import NetworkSecret
from balise.linkage.spec import CURRENT
from tests.cli.conftest import balise

HEADER = "record_id,first_name,last_name,birth_date,sex,sector,notes\n"
ROWS = [
    "a1,Jean-Pierre,Van den Broeck,2010-03-05,M,police,x",
    'a2,JEAN PIERRE,VANDENBROECK,2010-03-05,M,school,"y, z"',
    "a3,Sara,Benali,2012-07-14,F,hospital,",
    "a4,Yasmine,Benali,2012-07-14,F,hospital,",
    "a5,Muhammad,Elamrani,2008,M,reception_centre,",
    "a6,El Amrani,Mohamed,2008-01-01,M,youth_aid,",
]


@pytest.fixture
def identities(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", "utf-8")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_it_writes_a_new_secret_readable_only_by_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    result = balise("secret", "new", "--output", path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text("utf-8"))
    assert len(bytes.fromhex(document["secret"])) == 32
    assert document["version"] == 1
    assert len(document["key_id"]) == 16
    refused = balise("secret", "new", "--output", path)
    assert refused.returncode == 2
    assert "--force" in refused.stderr
    assert json.loads(path.read_text("utf-8")) == document
    assert balise("secret", "new", "--output", path, "--force").returncode == 0
    assert json.loads(path.read_text("utf-8"))["secret"] != document["secret"]


def test_it_encodes_and_keeps_other_columns(tmp_path: Path, secret: Path, identities: Path) -> None:
    out = tmp_path / "out.csv"
    result = balise("encode", "--secret", secret, "--input", identities, "--output", out)
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert list(rows[0]) == [
        "record_id", "balise_encoding", "balise_version", "balise_key_id", "sector", "notes",
    ]  # fmt: skip
    assert [r["record_id"] for r in rows] == [f"a{i}" for i in range(1, 7)]
    assert rows[1]["notes"] == "y, z"
    assert {r["balise_version"] for r in rows} == {str(CURRENT.version)}
    assert {r["balise_key_id"] for r in rows} == {NetworkSecret(bytes(range(7, 39))).key_id}


def test_it_writes_no_name_or_date_in_any_form(
    tmp_path: Path, secret: Path, identities: Path
) -> None:
    out = tmp_path / "out.csv"
    assert (
        balise("encode", "--secret", secret, "--input", identities, "--output", out).returncode == 0
    )
    with identities.open(encoding="utf-8", newline="") as stream:
        source = list(csv.DictReader(stream))
    rows = read_csv(out)
    clear_text = "\n".join(
        ",".join(v for k, v in r.items() if k != "balise_encoding") for r in rows
    ).lower()
    for row, encoded in zip(source, rows, strict=True):
        assert (
            len(base64.b64decode(encoded["balise_encoding"], validate=True)) == CURRENT.total_bytes
        )
        forms = set(clean(row["first_name"]) + clean(row["last_name"]))
        forms |= set(first_name_forms(row["first_name"]).words)
        forms |= set(last_name_forms(row["last_name"]).words)
        forms |= set(row["birth_date"].split("-")) | {row["birth_date"].replace("-", "")}
        for form in forms:
            if len(form) >= 3:
                assert form.lower() not in clear_text, form


def test_it_dedupes_into_children(tmp_path: Path, secret: Path, identities: Path) -> None:
    out, clusters = tmp_path / "out.csv", tmp_path / "clusters.csv"
    balise("encode", "--secret", secret, "--input", identities, "--output", out)
    result = balise("dedupe", "--input", out, "--output", clusters)
    assert result.returncode == 0, result.stderr
    rows = read_csv(clusters)
    label = {r["record_id"]: r["cluster"] for r in rows}
    assert list(rows[0]) == ["record_id", "cluster"]
    assert len(rows) == 6
    assert label["a1"] == label["a2"]
    assert label["a3"] != label["a4"]  # twins
    assert label["a5"] == label["a6"]  # transliteration, swapped names, estimated date


def test_it_writes_a_summary_with_the_children_interval(
    tmp_path: Path, secret: Path, identities: Path
) -> None:
    out, clusters, summary = tmp_path / "out.csv", tmp_path / "c.csv", tmp_path / "s.json"
    balise("encode", "--secret", secret, "--input", identities, "--output", out)
    result = balise("dedupe", "--input", out, "--output", clusters, "--summary", summary)
    assert result.returncode == 0, result.stderr
    document = json.loads(summary.read_text("utf-8"))
    assert document["records"] == 6
    assert document["clusters"] == len({r["cluster"] for r in read_csv(clusters)}) == 4
    low, high = document["children_interval_90"]
    assert low <= document["children_estimate"] <= high
    assert low >= 1
    assert high <= 6
    assert "posterior" in document["method"]
    assert "90% interval" in result.stderr
    assert balise("dedupe", "--input", out, "--output", clusters).returncode == 0


def test_it_qualifies_ids_that_collide_across_files(
    tmp_path: Path, secret: Path, identities: Path
) -> None:
    first, second = tmp_path / "police.csv", tmp_path / "school.csv"
    balise("encode", "--secret", secret, "--input", identities, "--output", first)
    balise("encode", "--secret", secret, "--input", identities, "--output", second)
    clusters = tmp_path / "clusters.csv"
    assert balise("dedupe", "--input", first, second, "--output", clusters).returncode == 0
    label = {r["record_id"]: r["cluster"] for r in read_csv(clusters)}
    assert len(label) == 12
    assert label["police.csv:a1"] == label["school.csv:a1"] == label["school.csv:a2"]


def test_it_lists_the_commands_in_its_help() -> None:
    result = balise("--help")
    assert result.returncode == 0
    for word in ("secret", "encode", "dedupe", "audit verify", "linkage run"):
        assert word in result.stdout

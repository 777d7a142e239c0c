"""Every bad input stops with exit status 2, names line and field, and leaves no output file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from balise.linkage.secret import NetworkSecret
from balise.linkage.spec import CURRENT
from tests.cli.conftest import balise

HEADER = "record_id,first_name,last_name,birth_date,sex\n"
GOOD = "r1,Emma,Peeters,2010-10-10,F\n"


def assert_refused(result: subprocess.CompletedProcess[str], folder: Path, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    for word in words:
        assert word in result.stderr
    assert not (folder / "out.csv").exists()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("", ("empty",)),
        (HEADER, ("no records",)),
        ("record_id,first_name,birth_date,sex\nr1,Emma,2010,F\n", ("last_name", "missing")),
        (
            "record_id,first_name,last_name,last_name,birth_date,sex\n",
            ("last_name", "more than once"),
        ),
        (HEADER + GOOD + "r2,Lina,Maes,2010-10-10,W\n", ("line 3", "sex")),
        (HEADER + GOOD + "r2,Lina,Maes,2010-02-30,F\n", ("line 3", "r2", "birth_date")),
        (HEADER + GOOD + "r2,Lina,Maes,10/02/2010,F\n", ("line 3", "birth_date")),
        (HEADER + GOOD + "r2,Lina,Maes,2099-01-01,F\n", ("line 3", "birth_date", "future")),
        (HEADER + GOOD + "r1,Lina,Maes,2010,F\n", ("line 3", "record_id", "twice")),
        (HEADER + GOOD + "r2,Lina,Maes\n", ("line 3", "fields")),
        (HEADER + GOOD + ",Lina,Maes,2010,F\n", ("line 3", "record_id")),
        (HEADER.replace("sex", "sex,balise_encoding") + "r1,E,P,2010,F,x\n", ("reserved",)),
    ],
)
def test_it_refuses_bad_identity_files(
    tmp_path: Path, secret: Path, content: str, words: tuple[str, ...]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text(content, "utf-8")
    result = balise(
        "encode", "--secret", secret, "--input", source, "--output", tmp_path / "out.csv"
    )
    assert_refused(result, tmp_path, *words)


@pytest.mark.parametrize(
    ("secret_text", "words"),
    [
        ("not json", ("not JSON",)),
        ('{"format": "other"}', ("format",)),
        (NetworkSecret(bytes(32)).dumps().replace('"key_id": "', '"key_id": "0'), ("key_id",)),
        (
            NetworkSecret(bytes(32)).dumps().replace('"secret": "00', '"secret": "zz'),
            ("hexadecimal",),
        ),
    ],
)
def test_it_refuses_a_wrong_secret(
    tmp_path: Path, secret_text: str, words: tuple[str, ...]
) -> None:
    secret, source = tmp_path / "s.json", tmp_path / "in.csv"
    secret.write_text(secret_text, "utf-8")
    source.write_text(HEADER + GOOD, "utf-8")
    result = balise(
        "encode", "--secret", secret, "--input", source, "--output", tmp_path / "out.csv"
    )
    assert_refused(result, tmp_path, "secret", *words)


def test_it_refuses_a_missing_secret(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(HEADER + GOOD, "utf-8")
    result = balise(
        "encode", "--secret", tmp_path / "nope", "--input", source, "--output", tmp_path / "out.csv"
    )
    assert_refused(result, tmp_path, "cannot be read")


def _encoded(tmp_path: Path, name: str, secret_bytes: bytes) -> Path:
    secret, source = tmp_path / f"{name}.secret", tmp_path / f"{name}.in.csv"
    secret.write_text(NetworkSecret(secret_bytes).dumps(), "utf-8")
    source.write_text(HEADER + GOOD.replace("r1", f"{name}1"), "utf-8")
    out = tmp_path / f"{name}.csv"
    assert balise("encode", "--secret", secret, "--input", source, "--output", out).returncode == 0
    return out


def test_it_refuses_encodings_of_two_keys(tmp_path: Path) -> None:
    first, second = _encoded(tmp_path, "a", bytes(32)), _encoded(tmp_path, "b", bytes(range(32)))
    result = balise("dedupe", "--input", first, second, "--output", tmp_path / "out.csv")
    assert_refused(result, tmp_path, "b.csv", "line 2", "balise_key_id")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [(",2,", ",9,", "balise_version"), ("Emm", "", "balise_encoding")],
)
def test_it_refuses_damaged_encodings(tmp_path: Path, old: str, new: str, field: str) -> None:
    encoded = _encoded(tmp_path, "a", bytes(32))
    lines = encoded.read_text("utf-8").splitlines()
    row = lines[1].split(",")
    row[1] = row[1][:-8] if field == "balise_encoding" else row[1]
    lines[1] = ",".join(row).replace(old, new) if field == "balise_version" else ",".join(row)
    encoded.write_text("\n".join(lines) + "\n", "utf-8")
    result = balise("dedupe", "--input", encoded, "--output", tmp_path / "out.csv")
    assert_refused(result, tmp_path, "line 2", field)


def test_it_refuses_an_empty_encoded_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", "utf-8")
    result = balise("dedupe", "--input", empty, "--output", tmp_path / "out.csv")
    assert_refused(result, tmp_path, "empty")


def test_it_lists_every_refused_encoded_row_at_once(tmp_path: Path) -> None:
    encoded = _encoded(tmp_path, "a", bytes(32))
    header, row = encoded.read_text("utf-8").splitlines()
    _, encoding, rest = row.split(",", 2)
    rows = [
        row,
        f"a2,{encoding[:-8]},{rest}",  # line 3: damaged encoding
        f"a1,{encoding},{rest}",  # line 4: record id twice
        f"a3,{encoding},{rest.replace(f'{CURRENT.version},', '7,', 1)}",  # line 5: another version
        f"a4,{encoding}",  # line 6: missing fields
        f"a5,{encoding},{rest}",
    ]
    encoded.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    result = balise("dedupe", "--input", encoded, "--output", tmp_path / "out.csv")
    assert_refused(result, tmp_path, "4 rows refused, nothing written")
    listed = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    assert [line.split(":")[0] for line in listed] == [
        "line 3 (record a2)", "line 4 (record a1)", "line 5 (record a3)", "line 6",
    ]  # fmt: skip
    assert "field balise_encoding" in listed[0]
    assert "field record_id 'a1': appears twice" in listed[1]
    assert f"field balise_version '7': mixed with version '{CURRENT.version}'" in listed[2]

"""`balise encode` names every refused row at once, and keeps the plausible parts on request."""

from __future__ import annotations

import csv
from pathlib import Path

from balise.linkage.encode import Encoder
from balise.linkage.normalise import BirthDate
from balise.linkage.secret import loads_secret
from tests.cli.conftest import balise

HEADER = "record_id,first_name,last_name,birth_date,sex,sector\n"
GOOD = "r1,Emma,Peeters,2010-10-10,F,police\n"
# every kind of refusal a row can meet, one row each (r7 has two refused fields)
BAD_ROWS = (
    "r2,Lina,Maes,1955-11-92,F,school\n"  # line 3: day cannot exist
    "r3,Lina,Maes,2010-13-05,F,school\n"  # line 4: month cannot exist
    "r4,Lina,Maes,2199-05-12,F,school\n"  # line 5: after today
    "r5,Lina,Maes,10/02/2010,F,school\n"  # line 6: not a date form
    "r1,Lina,Maes,2010,F,school\n"  # line 7: record id twice
    "r6,Lina,Maes\n"  # line 8: missing fields
    "r7,Lina,Maes,2010-02-30,W,school\n"  # line 9: day cannot exist, unknown sex
    ",Lina,Maes,2010,F,school\n"  # line 10: no record id
)


def encode(tmp_path: Path, secret: Path, content: str, *options: str) -> tuple[int, str, Path]:
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(content, "utf-8")
    result = balise("encode", "--secret", secret, "--input", source, "--output", out, *options)
    return result.returncode, result.stderr, out


def assert_nothing_written(folder: Path) -> None:
    assert not (folder / "out.csv").exists()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def refused_lines(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if line.startswith("  line ")]


def test_it_lists_every_refused_row_at_once(tmp_path: Path, secret: Path) -> None:
    last = "r9,Sara,Benali,2012-07-14,F,police\n"
    status, stderr, _ = encode(tmp_path, secret, HEADER + GOOD + BAD_ROWS + last)
    assert status == 2
    assert_nothing_written(tmp_path)
    assert "8 rows refused, nothing written" in stderr
    assert refused_lines(stderr) == [
        "line 3 (record r2): field birth_date '1955-11-92': day 92 does not exist in 1955-11",
        "line 4 (record r3): field birth_date '2010-13-05': month 13 does not exist",
        "line 5 (record r4): field birth_date '2199-05-12': the date lies in the future (after "
        "today)",
        "line 6 (record r5): field birth_date '10/02/2010': '10/02/2010' is not YYYY-MM-DD, "
        "YYYY-MM, YYYY or --MM-DD",
        "line 7 (record r1): field record_id 'r1': appears twice",
        "line 8: 3 fields, the header has 6",
        "line 9 (record r7): field birth_date '2010-02-30': day 30 does not exist in 2010-02",
        "line 9 (record r7): field sex 'W': 'W' is not M, F, X or empty",
        "line 10: field record_id: the field is empty",
    ]
    # r2, r3 and r7 keep a plausible part; r4's is its month and day (spec v2's year-less form)
    assert "4 of them hold a birth date that cannot exist" in stderr
    assert "--damaged-dates keep-plausible" in stderr


def test_it_keeps_listing_refusals_with_plausible_dates_kept(tmp_path: Path, secret: Path) -> None:
    content = HEADER + GOOD + BAD_ROWS
    status, stderr, _ = encode(tmp_path, secret, content, "--damaged-dates", "keep-plausible")
    assert status == 2
    assert_nothing_written(tmp_path)
    lines = refused_lines(stderr)
    assert not any("(record r2)" in line or "(record r3)" in line for line in lines)
    assert any(line.startswith("line 6 (record r5): field birth_date") for line in lines)
    assert "line 9 (record r7): field sex 'W': 'W' is not M, F, X or empty" in lines
    assert not any("line 9 (record r7): field birth_date" in line for line in lines)
    assert "--damaged-dates keep-plausible` encodes" not in stderr


def read_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return {row["record_id"]: row for row in csv.DictReader(stream)}


def test_it_encodes_the_plausible_parts_and_counts_them(tmp_path: Path, secret: Path) -> None:
    rows = (
        "r2,Lina,Maes,1955-11-92,F,school\n"
        "r3,Lina,Maes,2010-02-30,F,school\n"
        "r4,Lina,Maes,2010-31-02,F,school\n"
        "r5,Lina,Maes,2010-25-03,F,school\n"
        "r6,Lina,Maes,2010-25-03,F,school\n"
        "r7,Lina,Maes,2010-13-05,F,school\n"
    )
    content = HEADER + GOOD + rows
    status, stderr, out = encode(tmp_path, secret, content, "--damaged-dates", "keep-plausible")
    assert status == 0, stderr
    assert "encoded 7 records" in stderr
    assert "6 birth date(s) kept partially" in stderr
    assert "  2 kept year and month (the day cannot exist)" in stderr
    assert "  1 kept year only (the month cannot exist)" in stderr
    assert "  3 kept year only, with day and month in either order" in stderr
    assert "month and day" not in stderr  # kinds that did not occur are not listed
    encoder = Encoder(loads_secret(secret.read_text("utf-8")))
    written = read_rows(out)
    expected: dict[str, str | BirthDate] = {
        "r2": "1955-11",
        "r3": "2010-02",
        "r4": "2010",
        "r5": BirthDate(2010, day_and_month=(3, 25)),
        "r7": BirthDate(2010, day_and_month=(5, 13)),
    }
    assert written["r1"]["balise_encoding"] == encoder.encode("Emma", "Peeters", "2010-10-10", "F")
    for record_id, date in expected.items():
        assert written[record_id]["balise_encoding"] == encoder.encode("Lina", "Maes", date, "F")
    assert written["r5"]["balise_encoding"] == written["r6"]["balise_encoding"]
    assert written["r2"]["sector"] == "school"


def test_it_writes_the_same_file_either_way_when_no_date_is_damaged(
    tmp_path: Path, secret: Path
) -> None:
    content = HEADER + GOOD + "r2,Lina,Maes,2012,,school\nr3,Sara,Benali,2012-07,M,police\n"
    status, stderr, out = encode(tmp_path, secret, content)
    assert status == 0, stderr
    refused_mode = out.read_bytes()
    status, stderr, out = encode(tmp_path, secret, content, "--damaged-dates", "keep-plausible")
    assert status == 0, stderr
    assert out.read_bytes() == refused_mode
    assert "0 birth date(s) kept partially" in stderr


def test_it_reads_year_less_dates_and_keeps_month_and_day_of_an_impossible_year(
    tmp_path: Path, secret: Path
) -> None:
    rows = (
        "r2,Lina,Maes,--05-12,F,school\n"  # a register that holds day and month only
        "r3,Lina,Maes,2204-05-12,F,school\n"  # a typo in the year
        "r4,Lina,Maes,2204-25-03,F,school\n"  # impossible year and month: the pair
        "r5,Lina,Maes,2204-13-45,F,school\n"  # nothing plausible
    )
    status, stderr, _ = encode(tmp_path, secret, HEADER + GOOD + rows)
    assert status == 2
    assert [line.split(":")[0] for line in refused_lines(stderr)] == [
        "line 4 (record r3)", "line 5 (record r4)", "line 6 (record r5)",
    ]  # fmt: skip
    content = HEADER + GOOD + rows
    status, stderr, out = encode(tmp_path, secret, content, "--damaged-dates", "keep-plausible")
    assert status == 0, stderr
    assert "3 birth date(s) kept partially" in stderr
    assert "  1 kept month and day (the year is impossible" in stderr
    assert "  1 kept day and month in either order" in stderr
    assert "  1 kept nothing (no part of the date is plausible)" in stderr
    written = read_rows(out)
    encoder = Encoder(loads_secret(secret.read_text("utf-8")))
    assert written["r2"]["balise_encoding"] == written["r3"]["balise_encoding"]
    assert written["r2"]["balise_encoding"] == encoder.encode(
        "Lina", "Maes", BirthDate(None, 5, 12), "F"
    )
    pair = BirthDate(day_and_month=(3, 25))
    assert written["r4"]["balise_encoding"] == encoder.encode("Lina", "Maes", pair, "F")
    assert written["r5"]["balise_encoding"] == encoder.encode("Lina", "Maes", "", "F")

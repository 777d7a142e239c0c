"""Damaged birth dates: the year-less form and keeping the plausible parts (encoding.md §5.4)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balise.linkage.normalise import (
    BirthDate,
    DatePart,
    InvalidField,
    date_tokens,
    parse_birth_date,
    plausible_parts,
)

TODAY = dt.date(2026, 6, 1)
V1, V2 = 1, 2


def iso(date: BirthDate) -> str:
    """The §5.1 text of a date without a day-and-month pair."""
    parts = [] if date.year is None else [f"{date.year:04d}"]
    if date.month is not None:
        parts.append(f"{date.month:02d}")
        if date.day is not None:
            parts.append(f"{date.day:02d}")
    return "-".join(parts) if date.year is not None else "--" + "-".join(parts)


@pytest.mark.parametrize(
    ("text", "kept", "part"),
    [
        ("1955-11-92", BirthDate(1955, 11), DatePart.YEAR_MONTH),
        ("2010-02-30", BirthDate(2010, 2), DatePart.YEAR_MONTH),
        ("2011-02-29", BirthDate(2011, 2), DatePart.YEAR_MONTH),
        ("2010-04-00", BirthDate(2010, 4), DatePart.YEAR_MONTH),
        ("2204-05-12", BirthDate(None, 5, 12), DatePart.MONTH_DAY),
        ("1855-05-12", BirthDate(None, 5, 12), DatePart.MONTH_DAY),
        ("2026-12-25", BirthDate(None, 12, 25), DatePart.MONTH_DAY),  # after today: year typo
        ("2199-02-29", BirthDate(None, 2, 29), DatePart.MONTH_DAY),  # some leap year may be meant
        ("2010-13-05", BirthDate(2010, day_and_month=(5, 13)), DatePart.YEAR_DAY_AND_MONTH),
        ("2010-25-03", BirthDate(2010, day_and_month=(3, 25)), DatePart.YEAR_DAY_AND_MONTH),
        ("2010-31-02", BirthDate(2010), DatePart.YEAR),  # 2 February... 31: swapped, no date
        ("2010-45-45", BirthDate(2010), DatePart.YEAR),
        ("2010-00-05", BirthDate(2010), DatePart.YEAR),
        ("2010-13", BirthDate(2010), DatePart.YEAR),
        ("2204-25-03", BirthDate(day_and_month=(3, 25)), DatePart.DAY_AND_MONTH),
        ("--13-05", BirthDate(day_and_month=(5, 13)), DatePart.DAY_AND_MONTH),
        ("2204-13-45", BirthDate(), DatePart.NOTHING),
        ("2204-02-30", BirthDate(), DatePart.NOTHING),
        ("2204-05", BirthDate(), DatePart.NOTHING),
        ("2030", BirthDate(), DatePart.NOTHING),
        ("2026-07", BirthDate(), DatePart.NOTHING),
        ("--02-30", BirthDate(), DatePart.NOTHING),
    ],
)
def test_it_keeps_the_plausible_parts_of_damaged_dates(
    text: str, kept: BirthDate, part: DatePart
) -> None:
    assert plausible_parts(text, today=TODAY, version=V2) == (kept, part)


@pytest.mark.parametrize("text", ["2204-05-12", "2026-12-25", "2204-25-03", "--05-12"])
def test_it_refuses_to_keep_month_and_day_under_spec_v1(text: str) -> None:
    with pytest.raises(InvalidField) as error:
        plausible_parts(text, today=TODAY, version=V1)
    assert error.value.field == "birth_date"


def test_it_keeps_year_and_month_under_spec_v1() -> None:
    assert plausible_parts("1955-11-92", today=TODAY, version=V1) == (
        BirthDate(1955, 11),
        DatePart.YEAR_MONTH,
    )


@pytest.mark.parametrize("text", ["10/02/2010", "2010-1-05", "20100105", "--5-12", "-05-12"])
def test_it_still_refuses_other_forms_when_keeping_plausible_parts(text: str) -> None:
    with pytest.raises(InvalidField):
        plausible_parts(text, today=TODAY, version=V2)


def test_it_reads_year_less_dates_from_spec_v2_only() -> None:
    assert parse_birth_date(" --05-12 ", version=V2) == BirthDate(None, 5, 12)
    assert parse_birth_date("--02-29", version=V2) == BirthDate(None, 2, 29)
    for impossible in ("--02-30", "--13-01", "--00-10", "--04-31"):
        with pytest.raises(InvalidField):
            parse_birth_date(impossible, version=V2)
    with pytest.raises(InvalidField) as error:
        parse_birth_date("--05-12", version=V1)
    assert "--MM-DD" in error.value.reason


def test_it_gives_year_less_dates_month_and_day_tokens_only() -> None:
    assert date_tokens(BirthDate(None, 5, 12), "F") == [
        "m:05", "d:12", "md:05-12", "dm:05-12", "sex:F",
    ]  # fmt: skip
    full = date_tokens(BirthDate(2010, 5, 12), "")
    assert set(date_tokens(BirthDate(None, 5, 12), "")) < set(full)


def test_it_gives_a_kept_day_and_month_pair_the_order_free_token_only() -> None:
    # 2010-25-03 kept as 2010 with {3, 25}: shares dm with 2010-03-25, the swapped reading
    kept = date_tokens(BirthDate(2010, day_and_month=(3, 25)), "")
    assert kept == ["y:2010", "yy:2009:2010", "yy:2010:2011", "dm:03-25"]
    assert set(kept) < set(date_tokens(BirthDate(2010, 3, 25), ""))
    assert date_tokens(BirthDate(day_and_month=(5, 13)), "M") == ["dm:05-13", "sex:M"]


valid_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)


@given(valid_dates, st.sampled_from(["YYYY", "YYYY-MM", "YYYY-MM-DD", "--MM-DD"]))
def test_it_returns_every_valid_date_unchanged(date: dt.date, form: str) -> None:
    text = {
        "YYYY": f"{date.year:04d}",
        "YYYY-MM": f"{date.year:04d}-{date.month:02d}",
        "YYYY-MM-DD": date.isoformat(),
        "--MM-DD": f"--{date.month:02d}-{date.day:02d}",
    }[form]
    assert plausible_parts(text, today=TODAY, version=V2) == (
        parse_birth_date(text, version=V2),
        None,
    )
    if form != "--MM-DD":
        assert plausible_parts(text, today=TODAY, version=V1) == (
            parse_birth_date(text, version=V1),
            None,
        )


@given(st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?|--[0-9]{2}-[0-9]{2}", fullmatch=True))
def test_it_keeps_only_a_valid_date_not_after_today(text: str) -> None:
    kept, part = plausible_parts(text, today=TODAY, version=V2)
    assert not kept.is_after(TODAY)
    if kept.day_and_month is None:
        assert parse_birth_date(iso(kept) if kept != BirthDate() else "", version=V2) == kept
    else:
        low, high = kept.day_and_month
        assert low <= 12 < high
        assert part in (DatePart.YEAR_DAY_AND_MONTH, DatePart.DAY_AND_MONTH)
    # whatever is kept is what the text said: no part is invented
    assert set(date_tokens(kept, "")) <= set(_tokens_as_written(text))
    assert (part is None) == (kept == parse_birth_date_or_none(text))


def parse_birth_date_or_none(text: str) -> BirthDate | None:
    try:
        date = parse_birth_date(text, version=V2)
    except InvalidField:
        return None
    return None if date.is_after(TODAY) else date


def _tokens_as_written(text: str) -> list[str]:
    """Every token the numbers of the text could give, valid or not (year, month, day as read)."""
    year: int | None = None
    if text.startswith("--"):
        month: int | None = int(text[2:4])
        day: int | None = int(text[5:7])
    else:
        numbers: list[int | None] = [int(n) for n in text.split("-")]
        year, month, day = [*numbers, None, None][:3]
    tokens = date_tokens(BirthDate(year, month, day), "")
    if month is not None and day is not None:
        tokens.append(f"dm:{min(month, day):02d}-{max(month, day):02d}")
    return tokens

"""The concern rule on its own: points, bands, recency, immediate danger, bad input."""

from __future__ import annotations

import pytest

from balise.detection.rule import (
    BANDS,
    Indicator,
    Level,
    Recency,
    UnknownAnswer,
    evaluate,
    level_for_points,
)

RECENT, EARLIER, NOT_SEEN = Recency.LAST_6_MONTHS, Recency.SIX_TO_12_MONTHS, Recency.NOT_OBSERVED


def vulnerability(code: str, points: int = 1) -> Indicator:
    return Indicator(code, "vulnerability", {"present": points})


def sign(code: str, recent: int, earlier: int, *, immediate: bool = False) -> Indicator:
    return Indicator(
        code,
        "sign",
        {RECENT.value: recent, EARLIER.value: earlier},
        significant=recent >= 5,
        immediate_danger=immediate,
    )


def catalogue() -> dict[str, Indicator]:
    items = [vulnerability(f"v{i}") for i in range(1, 7)]
    items += [sign(f"m{i}", 1, 0) for i in range(1, 7)]
    items += [sign(f"s{i}", 5, 1) for i in range(1, 5)]
    items += [sign("danger", 5, 1, immediate=True)]
    return {item.code: item for item in items}


def test_it_gives_low_with_no_answers() -> None:
    result = evaluate(catalogue())
    assert result.level is Level.LOW
    assert result.total_points == 0
    assert result.is_empty


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (0, Level.LOW),
        (5, Level.LOW),
        (6, Level.MILD),
        (10, Level.MILD),
        (11, Level.MODERATE),
        (15, Level.MODERATE),
        (16, Level.HIGH),
        (400, Level.HIGH),
    ],
)
def test_it_maps_band_edges(total: int, level: Level) -> None:
    assert level_for_points(total) is level


def test_it_refuses_a_negative_total() -> None:
    with pytest.raises(ValueError, match="negative"):
        level_for_points(-1)


def test_it_keeps_bands_ordered_and_starting_at_zero() -> None:
    lows = [lowest for lowest, _level in BANDS]
    assert lows == sorted(lows, reverse=True)
    assert lows[-1] == 0


def test_it_weighs_a_significant_sign_by_recency() -> None:
    recent = evaluate(catalogue(), signs={"s1": RECENT})
    earlier = evaluate(catalogue(), signs={"s1": EARLIER})
    assert (recent.total_points, earlier.total_points) == (5, 1)


def test_it_gives_nothing_for_a_moderate_sign_seen_long_ago() -> None:
    result = evaluate(catalogue(), signs={"m1": EARLIER})
    assert result.total_points == 0
    assert [(c.code, c.points) for c in result.contributions] == [("m1", 0)]


def test_it_ignores_signs_not_observed() -> None:
    result = evaluate(catalogue(), signs={"s1": NOT_SEEN, "danger": "not_observed"})
    assert result.contributions == ()
    assert result.level is Level.LOW


def test_it_reaches_mild_at_six_points_exactly() -> None:
    result = evaluate(catalogue(), vulnerabilities=["v1"], signs={"s1": RECENT})
    assert (result.total_points, result.level) == (6, Level.MILD)


def test_it_stays_low_at_five_points() -> None:
    result = evaluate(catalogue(), vulnerabilities=["v1", "v2", "v3", "v4", "v5"])
    assert (result.total_points, result.level) == (5, Level.LOW)


def test_it_reaches_high_at_sixteen() -> None:
    signs: dict[str, Recency | str] = {"s1": RECENT, "s2": RECENT, "s3": RECENT}
    result = evaluate(catalogue(), vulnerabilities=["v1"], signs=signs)
    assert (result.total_points, result.level) == (16, Level.HIGH)


def test_it_forces_urgent_for_recent_immediate_danger_whatever_the_points() -> None:
    result = evaluate(catalogue(), signs={"danger": RECENT})
    assert result.level is Level.URGENT
    assert result.points_level is Level.LOW
    assert [c.code for c in result.forced_by] == ["danger"]


def test_it_does_not_force_urgent_for_immediate_danger_seen_long_ago() -> None:
    result = evaluate(catalogue(), signs={"danger": EARLIER})
    assert result.level is Level.LOW
    assert result.forced_by == ()
    assert result.total_points == 1


def test_it_counts_a_repeated_vulnerability_once() -> None:
    result = evaluate(catalogue(), vulnerabilities=["v1", "v1", "v1"])
    assert result.total_points == 1


def test_it_lists_contributions_in_catalogue_order() -> None:
    result = evaluate(catalogue(), vulnerabilities=["v3", "v1"], signs={"s2": RECENT, "m1": RECENT})
    assert [c.code for c in result.contributions] == ["v1", "v3", "m1", "s2"]
    assert [c.recency for c in result.contributions] == [None, None, RECENT, RECENT]
    assert sum(c.points for c in result.contributions) == result.total_points == 8


def test_it_accepts_plain_strings_for_recency() -> None:
    result = evaluate(catalogue(), signs={"s1": "last_6_months"})
    assert result.total_points == 5


@pytest.mark.parametrize(
    ("vulnerabilities", "signs"),
    [
        (["nope"], {}),
        (["m1"], {}),  # a sign given as a vulnerability
        ([], {"v1": "last_6_months"}),  # a vulnerability given as a sign
        ([], {"nope": "last_6_months"}),
        ([], {"s1": "yesterday"}),
    ],
)
def test_it_refuses_unknown_answers(vulnerabilities: list[str], signs: dict[str, str]) -> None:
    with pytest.raises(UnknownAnswer):
        evaluate(catalogue(), vulnerabilities=vulnerabilities, signs=signs)


def test_it_refuses_malformed_indicators() -> None:
    with pytest.raises(ValueError, match="negative"):
        vulnerability("x", -1)
    with pytest.raises(ValueError, match="exactly"):
        Indicator("x", "sign", {"present": 1})
    with pytest.raises(ValueError, match="exactly"):
        Indicator("x", "vulnerability", {RECENT.value: 1, EARLIER.value: 0})
    with pytest.raises(ValueError, match="immediate"):
        Indicator("x", "vulnerability", {"present": 1}, immediate_danger=True)


def test_it_runs_without_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys, balise.detection.rule as r; "
        "assert not any(m.split('.')[0] == 'django' for m in sys.modules), 'django imported'; "
        "print(r.level_for_points(6))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "mild"

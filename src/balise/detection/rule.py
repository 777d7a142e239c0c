"""The concern rule of the detection aid: SERAF-inspired points and bands, in plain Python.

No Django here: the rule is a pure function of the indicator definitions (from the taxonomy) and
the answers, so it can be read, tested and explained on its own. See ``docs/detection.md``.

- A vulnerability that is present counts its ``weight`` (1 point each in v1).
- A sign counts ``weight[recency]``: in v1 a moderate sign is worth 1 point when seen in the last
  6 months and 0 points 6-12 months ago; a significant sign 5 points and 1 point.
- Bands on the total: 0-5 low, 6-10 mild, 11-15 moderate, 16 and more high.
- A sign flagged ``immediate_danger`` seen in the last 6 months forces the level ``urgent``,
  whatever the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = [
    "BANDS",
    "Assessment",
    "Contribution",
    "Indicator",
    "Level",
    "Recency",
    "UnknownAnswer",
    "evaluate",
    "level_for_points",
]


class Recency(StrEnum):
    """When a sign was last observed."""

    LAST_6_MONTHS = "last_6_months"
    SIX_TO_12_MONTHS = "6_to_12_months"
    NOT_OBSERVED = "not_observed"


class Level(StrEnum):
    """Concern levels, lowest first."""

    LOW = "low"
    MILD = "mild"
    MODERATE = "moderate"
    HIGH = "high"
    URGENT = "urgent"


# (lowest total, level), highest band first. Urgent has no band: only an immediate-danger sign
# reaches it.
BANDS: tuple[tuple[int, Level], ...] = (
    (16, Level.HIGH),
    (11, Level.MODERATE),
    (6, Level.MILD),
    (0, Level.LOW),
)

Kind = Literal["vulnerability", "sign"]


class UnknownAnswer(ValueError):
    """An answer names a code that is not in the indicator definitions, or a bad recency."""


@dataclass(frozen=True)
class Indicator:
    """One vulnerability or sign as the rule sees it.

    ``points`` maps a recency to its points; a vulnerability has the single key ``"present"``.
    """

    code: str
    kind: Kind
    points: Mapping[str, int]
    significant: bool = False
    immediate_danger: bool = False

    def __post_init__(self) -> None:
        if any(value < 0 for value in self.points.values()):
            raise ValueError(f"{self.code}: points must not be negative")
        expected = (
            {"present"}
            if self.kind == "vulnerability"
            else {Recency.LAST_6_MONTHS.value, Recency.SIX_TO_12_MONTHS.value}
        )
        if set(self.points) != expected:
            raise ValueError(f"{self.code}: points must give exactly {sorted(expected)}")
        if self.immediate_danger and self.kind != "sign":
            raise ValueError(f"{self.code}: only a sign can mark immediate danger")


@dataclass(frozen=True)
class Contribution:
    """One answer and what it added: shown line by line on the result page."""

    code: str
    kind: Kind
    recency: Recency | None  # None for a vulnerability
    points: int
    forces_urgent: bool


@dataclass(frozen=True)
class Assessment:
    level: Level
    total_points: int
    points_level: Level  # the band the points alone reach
    contributions: tuple[Contribution, ...]

    @property
    def forced_by(self) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributions if c.forces_urgent)

    @property
    def is_empty(self) -> bool:
        return not self.contributions


def level_for_points(total: int) -> Level:
    if total < 0:
        raise ValueError("a total of points cannot be negative")
    for lowest, level in BANDS:
        if total >= lowest:
            return level
    raise AssertionError("the bands start at 0")  # pragma: no cover - BANDS ends at 0


def evaluate(
    indicators: Mapping[str, Indicator],
    *,
    vulnerabilities: Iterable[str] = (),
    signs: Mapping[str, Recency | str] | None = None,
) -> Assessment:
    """Score the answers: present vulnerabilities, and each sign's recency.

    Signs answered ``not_observed`` are ignored. Every code must be known and of the right kind;
    a repeated vulnerability counts once. Contributions keep the order of ``indicators``.
    """
    present: set[str] = set()
    for code in vulnerabilities:
        indicator = indicators.get(code)
        if indicator is None or indicator.kind != "vulnerability":
            raise UnknownAnswer(f"unknown vulnerability {code!r}")
        present.add(code)
    observed: dict[str, Recency] = {}
    for code, raw in (signs or {}).items():
        indicator = indicators.get(code)
        if indicator is None or indicator.kind != "sign":
            raise UnknownAnswer(f"unknown sign {code!r}")
        try:
            recency = Recency(raw)
        except ValueError:
            raise UnknownAnswer(f"sign {code!r}: unknown recency {raw!r}") from None
        if recency is not Recency.NOT_OBSERVED:
            observed[code] = recency

    contributions: list[Contribution] = []
    for code, indicator in indicators.items():
        if code in present:
            contributions.append(
                Contribution(code, "vulnerability", None, indicator.points["present"], False)
            )
        elif code in observed:
            recency = observed[code]
            contributions.append(
                Contribution(
                    code,
                    "sign",
                    recency,
                    indicator.points[recency.value],
                    indicator.immediate_danger and recency is Recency.LAST_6_MONTHS,
                )
            )
    total = sum(c.points for c in contributions)
    points_level = level_for_points(total)
    level = Level.URGENT if any(c.forces_urgent for c in contributions) else points_level
    return Assessment(level, total, points_level, tuple(contributions))

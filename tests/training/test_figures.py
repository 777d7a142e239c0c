"""training_figures: the activity report's figures, computed from the tables."""

from __future__ import annotations

from datetime import date

import pytest

from balise.training.models import Evaluation, Registration
from balise.training.selectors import training_figures
from tests.training.factories import Status, at, make_course, make_registration, make_session

pytestmark = pytest.mark.django_db


def _evaluate(registration: Registration | None, score: int) -> None:
    assert registration is not None
    Evaluation.objects.create(
        registration=registration, overall=score, content=score, trainer=score, usefulness=score
    )


def test_it_counts_sessions_participants_and_scores_by_period() -> None:
    course = make_course()
    brussels = make_session(course, at(2025, 3, 10))
    liege = make_session(course, at(2025, 11, 4), province="60000", language="nl")
    online = make_session(
        course, at(2026, 2, 2), address="", province="", online_url="https://meet.example.org/x"
    )
    cancelled = make_session(course, at(2025, 5, 5), cancelled_at=at(2025, 5, 1))
    outside = make_session(course, at(2024, 12, 31, 20))
    for number in range(3):
        make_registration(brussels, number, Status.ATTENDED)
    make_registration(brussels, 3, Status.NO_SHOW)
    make_registration(brussels, 4, Status.CANCELLED)
    first = make_registration(liege, 5, Status.ATTENDED, sector="police", language="nl")
    make_registration(liege, 6, Status.ATTENDED, sector="", study="Droit")
    make_registration(online, 7, Status.ATTENDED, sector="")
    make_registration(cancelled, 8, Status.ATTENDED)
    make_registration(outside, 9, Status.ATTENDED)
    _evaluate(first, 5)
    _evaluate(brussels.registrations.filter(status=Status.ATTENDED).first(), 2)

    figures = training_figures(start=date(2025, 1, 1), end=date(2026, 12, 31))

    assert figures.sessions_given == 3
    assert figures.participants_attended == 6
    assert figures.by_sector == [
        ("Youth aid (SAJ/SPJ)", 3),
        ("Not given", 1),
        ("Police", 1),
        ("Students", 1),
    ]
    assert figures.by_province == [
        ("Brussels-Capital Region", 3),
        ("Province of Liège", 2),
        ("Online", 1),
    ]
    assert figures.by_language == [("French", 4), ("Dutch", 2)]
    assert figures.attendance_rate == pytest.approx(6 / 7)
    assert figures.evaluation_mean == pytest.approx(3.5)
    assert figures.by_year == [(2025, 2, 5), (2026, 1, 1)]


def test_it_gives_none_without_marks_or_evaluations() -> None:
    course = make_course()
    make_session(course, at(2025, 3, 10))
    figures = training_figures(start=date(2025, 3, 10), end=date(2025, 3, 10))
    assert (figures.sessions_given, figures.participants_attended) == (1, 0)
    assert figures.attendance_rate is None
    assert figures.evaluation_mean is None
    assert figures.by_sector == []
    assert figures.by_year == [(2025, 1, 0)]


def test_it_leaves_out_sessions_not_yet_ended() -> None:
    course = make_course()
    make_session(course, at(2099, 3, 10))
    assert training_figures(start=date(2099, 1, 1), end=date(2099, 12, 31)).sessions_given == 0


def test_it_refuses_a_period_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends before"):
        training_figures(start=date(2025, 2, 1), end=date(2025, 1, 1))

"""The demo trainings (`balise demo`): two courses, past sessions with attendance and
evaluations, an upcoming full session with a waitlist; added once."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from balise.training.demo import add_demo_trainings
from balise.training.models import Course, Evaluation, Session, Status
from balise.training.selectors import seats_taken, training_figures, waitlist

pytestmark = pytest.mark.django_db


def test_it_adds_courses_past_sessions_and_a_full_one_once() -> None:
    assert add_demo_trainings() == 6
    assert add_demo_trainings() == 0
    assert Course.objects.count() == 2
    now = timezone.now()
    assert Session.objects.filter(ends_at__lt=now).count() == 4
    assert Evaluation.objects.count() > 0
    full = Session.objects.get(starts_at__gt=now, capacity=12)
    assert seats_taken(full) == full.capacity
    assert [r.status for r in waitlist(full)] == [Status.WAITLISTED] * 3
    figures = training_figures(start=date(2000, 1, 1), end=timezone.localdate())
    assert figures.sessions_given == 4
    assert figures.participants_attended > 0
    assert figures.evaluation_mean is not None

"""`balise trainings tick` and `balise trainings purge`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from balise.audit.models import AuditEvent
from balise.training.models import Evaluation, Registration, Status
from balise.training.selectors import training_figures
from tests.training.factories import at, make_course, make_registration, make_session

pytestmark = pytest.mark.django_db


def test_it_erases_old_participants_but_keeps_the_figures() -> None:
    course = make_course()
    old = make_session(course, at(2020, 3, 10))
    recent = make_session(course, timezone.now() - timedelta(days=30))
    gone = make_registration(old, 1, Status.ATTENDED, answers=["oui"])
    Evaluation.objects.create(
        registration=gone, overall=4, content=4, trainer=4, usefulness=4, comments="Très bien"
    )
    kept = make_registration(recent, 2, Status.ATTENDED)
    before = training_figures(start=old.starts_at.date(), end=old.starts_at.date())

    dry = StringIO()
    call_command("trainings", "purge", "--dry-run", stdout=dry)
    assert dry.getvalue().startswith("1 registrations to erase")
    assert Registration.objects.get(pk=gone.pk).full_name == "Participant 1"

    out = StringIO()
    call_command("trainings", "purge", stdout=out)
    assert out.getvalue().startswith("1 registrations erased")
    gone.refresh_from_db()
    assert (gone.full_name, gone.email, gone.answers) == ("", "", [])
    assert gone.erased_at is not None
    assert Evaluation.objects.get(registration=gone).comments == ""
    assert Registration.objects.get(pk=kept.pk).full_name == "Participant 2"
    event = AuditEvent.objects.get(action="training.purge")
    assert event.details["registrations"] == [gone.pk]
    after = training_figures(start=old.starts_at.date(), end=old.starts_at.date())
    assert after == before


def test_it_refuses_a_retention_under_a_month(settings: object) -> None:
    settings.BALISE_TRAINING_RETENTION_MONTHS = 0  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="at least one month"):
        call_command("trainings", "purge")


def test_it_ticks() -> None:
    out = StringIO()
    call_command("trainings", "tick", stdout=out)
    assert out.getvalue().strip() == (
        "0 expired offers passed on, 0 reminders, 0 evaluation links sent."
    )

"""Situation.objects.visible_to: members see their organisation only; platform roles see none."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from balise.situations.models import Situation
from tests.conftest import Personas
from tests.situations.conftest import RecordSituation


def test_it_scopes_situations_to_the_members_organisation(
    personas: Personas, record_situation: RecordSituation
) -> None:
    mine = record_situation(personas.recorder_a)
    theirs = record_situation(personas.recorder_b)
    assert list(Situation.objects.visible_to(personas.steward_a)) == [mine]
    assert list(Situation.objects.visible_to(personas.recorder_b)) == [theirs]


@pytest.mark.parametrize("who", ["analyst", "editor", "admin", "loner"])
def test_it_shows_nothing_to_platform_roles(
    personas: Personas, record_situation: RecordSituation, who: str
) -> None:
    record_situation(personas.recorder_a)
    assert not Situation.objects.visible_to(getattr(personas, who)).exists()


def test_it_shows_nothing_to_anonymous_or_inactive_people(
    personas: Personas, record_situation: RecordSituation
) -> None:
    record_situation(personas.recorder_a)
    personas.recorder_a.is_active = False
    assert not Situation.objects.visible_to(AnonymousUser()).exists()
    assert not Situation.objects.visible_to(personas.recorder_a).exists()


def test_it_keeps_identity_fields_all_or_nothing_in_the_database(
    personas: Personas, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a)
    with pytest.raises(IntegrityError):
        Situation.objects.filter(pk=situation.pk).update(identity_version="1")

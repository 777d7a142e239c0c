"""Retention: `balise situations purge` deletes situations past BALISE_RETENTION_MONTHS, audited."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command

from balise.audit.models import AuditEvent
from balise.audit.services import verify_chain
from balise.situations.models import Situation
from balise.situations.services import (
    ids_of_ranges,
    retention_cutoff,
    situations_purge,
)
from tests.conftest import Personas
from tests.situations.conftest import RecordSituation

TODAY = date(2026, 11, 15)


def test_it_computes_the_cutoff_from_the_current_month() -> None:
    assert retention_cutoff(today=TODAY, months=120) == date(2016, 11, 1)
    assert retention_cutoff(today=TODAY, months=1) == date(2026, 10, 1)
    assert retention_cutoff(today=TODAY, months=11) == date(2025, 12, 1)
    assert retention_cutoff(today=date(2026, 1, 31), months=13) == date(2024, 12, 1)
    with pytest.raises(ValueError, match="at least one month"):
        retention_cutoff(today=TODAY, months=0)


def test_it_deletes_situations_detected_before_the_cutoff_only(
    personas: Personas, record_situation: RecordSituation
) -> None:
    old = record_situation(personas.recorder_a, reference="OLD", detection_month="2016-10")
    boundary = record_situation(personas.recorder_a, reference="EDGE", detection_month="2016-11")
    recent = record_situation(personas.recorder_b, reference="NEW", detection_month="2025-03")
    result = situations_purge(today=TODAY, months=120)
    assert result.situation_ids == [old.pk]
    assert set(Situation.objects.values_list("pk", flat=True)) == {boundary.pk, recent.pk}
    # A month later the boundary month is past the period too.
    later = situations_purge(today=date(2026, 12, 1), months=120)
    assert later.situation_ids == [boundary.pk]


def test_it_deletes_notes_with_their_situations_and_audits_counts_and_ids(
    personas: Personas, record_situation: RecordSituation
) -> None:
    first = record_situation(
        personas.recorder_a, reference="A1", detection_month="2010-01", note="entretien"
    )
    second = record_situation(personas.recorder_a, reference="A2", detection_month="2012-06")
    third = record_situation(personas.recorder_b, reference="B1", detection_month="2015-12")
    result = situations_purge(today=TODAY, months=120)
    assert (len(result.situation_ids), result.notes) == (3, 1)
    assert result.by_organisation == {personas.org_a.pk: 2, personas.org_b.pk: 1}
    assert not Situation.objects.exists()
    event = AuditEvent.objects.get(action="situation.purge")
    assert event.details["situations"] == 3
    assert event.details["encrypted_notes"] == 1
    assert event.details["cutoff"] == "2016-11-01"
    assert event.details["retention_months"] == 120
    assert event.details["organisations"] == {str(personas.org_a.pk): 2, str(personas.org_b.pk): 1}
    assert sorted(ids_of_ranges(event.details["situation_ids"])) == sorted(
        [first.pk, second.pk, third.pk]
    )
    assert "entretien" not in str(event.details)
    assert verify_chain().ok


def test_it_changes_nothing_on_a_dry_run(
    personas: Personas, record_situation: RecordSituation
) -> None:
    old = record_situation(personas.recorder_a, reference="OLD", detection_month="2003-04")
    result = situations_purge(today=TODAY, months=120, dry_run=True)
    assert result.situation_ids == [old.pk]
    assert Situation.objects.filter(pk=old.pk).exists()
    assert not AuditEvent.objects.filter(action="situation.purge").exists()


def test_it_writes_no_event_when_nothing_is_due(
    personas: Personas, record_situation: RecordSituation
) -> None:
    record_situation(personas.recorder_a, reference="NEW", detection_month="2024-01")
    assert situations_purge(today=TODAY, months=120).situation_ids == []
    assert not AuditEvent.objects.filter(action="situation.purge").exists()


def test_it_reads_the_period_from_the_setting(
    personas: Personas, record_situation: RecordSituation, settings: LazySettings
) -> None:
    record_situation(personas.recorder_a, reference="Y", detection_month="2025-12")
    settings.BALISE_RETENTION_MONTHS = 12
    assert situations_purge(today=TODAY).situation_ids == []
    settings.BALISE_RETENTION_MONTHS = 1
    assert len(situations_purge(today=TODAY).situation_ids) == 1


def test_it_runs_as_a_command_and_prints_counts(
    personas: Personas, record_situation: RecordSituation
) -> None:
    # 2001 is past any ten-year period from today; 2025 is inside it until 2035.
    record_situation(personas.recorder_a, reference="OLD", detection_month="2001-01", note="x")
    kept = record_situation(personas.recorder_a, reference="NEW", detection_month="2025-01")
    dry = io.StringIO()
    call_command("situations", "purge", "--dry-run", stdout=dry)
    assert "): 1 to delete (1 with a note), in 1 organisation(s)." in dry.getvalue()
    assert f"{personas.org_a.name} (#{personas.org_a.pk}): 1" in dry.getvalue()
    assert "Dry run: nothing was deleted." in dry.getvalue()
    assert Situation.objects.count() == 2

    out = io.StringIO()
    call_command("situations", "purge", stdout=out)
    assert "): 1 deleted (1 with a note)" in out.getvalue()
    assert "(situation.purge)" in out.getvalue()
    assert list(Situation.objects.values_list("pk", flat=True)) == [kept.pk]


def test_it_refuses_a_period_below_one_month(settings: LazySettings, db: None) -> None:
    settings.BALISE_RETENTION_MONTHS = 0
    with pytest.raises(CommandError, match="BALISE_RETENTION_MONTHS=0") as refused:
        call_command("situations", "purge", stdout=io.StringIO())
    assert refused.value.returncode == 1

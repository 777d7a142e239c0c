"""situation_create / update: scoped to the actor's organisation, atomic, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from balise.audit.models import AuditEvent
from balise.situations.models import Situation
from balise.situations.services import (
    situation_create,
    situation_note,
    situation_update,
    situations_import_apply,
)
from balise.situations.validation import SituationValidationError
from tests.conftest import Personas
from tests.situations.conftest import RecordSituation, valid_data


def test_it_creates_and_audits_without_content(personas: Personas) -> None:
    situation = situation_create(
        actor=personas.recorder_a, organisation=personas.org_a, data=valid_data(note="secret")
    )
    assert situation.recorded_by == personas.recorder_a
    assert situation.dictionary_version == "1"
    event = AuditEvent.objects.get(action="situation.create")
    assert event.object_id == str(situation.pk)
    assert event.organisation_id == personas.org_a.pk
    assert event.details == {"channel": "form"}
    assert "secret" not in str(event.details)


def test_it_generates_a_reference_when_none_is_given(personas: Personas) -> None:
    situation = situation_create(
        actor=personas.recorder_a, organisation=personas.org_a, data=valid_data(reference="")
    )
    assert situation.reference.startswith("BAL-")


def test_it_refuses_a_duplicate_reference_in_the_same_organisation(
    personas: Personas, record_situation: RecordSituation
) -> None:
    record_situation(personas.recorder_a)
    with pytest.raises(SituationValidationError) as caught:
        record_situation(personas.steward_a)
    assert [(i.field, i.code) for i in caught.value.issues] == [("reference", "duplicate")]
    # Another organisation may use the same reference.
    assert record_situation(personas.recorder_b).reference == "DOSS-2025-001"


@pytest.mark.parametrize("who", ["recorder_b", "analyst", "admin", "loner"])
def test_it_refuses_actors_outside_the_organisation(personas: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        situation_create(
            actor=getattr(personas, who), organisation=personas.org_a, data=valid_data()
        )
    assert not Situation.objects.exists()


def test_it_refuses_identity_fields_and_records_a_security_event(personas: Personas) -> None:
    with pytest.raises(SituationValidationError) as caught:
        situation_create(
            actor=personas.recorder_a,
            organisation=personas.org_a,
            data=valid_data(first_name="Amina", birth_date="2010-04-02"),
            channel="api",
        )
    assert caught.value.identity_fields == ["birth_date", "first_name"]
    assert not Situation.objects.exists()
    event = AuditEvent.objects.get(action="security.identity_field_refused")
    assert event.details == {"fields": ["birth_date", "first_name"], "channel": "api"}
    assert "Amina" not in str(event.details)
    assert "2010" not in str(event.details)


def test_it_updates_and_audits_the_changed_field_names(
    personas: Personas, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a)
    situation_update(
        actor=personas.steward_a,
        situation=situation,
        data={"status": "confirmed", "age_years": "16"},
        partial=True,
        channel="api",
    )
    situation.refresh_from_db()
    assert (situation.status, situation.age_years) == ("confirmed", 16)
    event = AuditEvent.objects.get(action="situation.update")
    assert event.details == {"channel": "api", "fields": ["age_years", "status"]}


def test_it_refuses_updates_from_another_organisation(
    personas: Personas, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a)
    with pytest.raises(PermissionDenied):
        situation_update(
            actor=personas.steward_b,
            situation=situation,
            data={"status": "confirmed"},
            partial=True,
        )
    situation.refresh_from_db()
    assert situation.status == "presumed"


def test_it_keeps_the_encoding_when_an_edit_sends_none(
    personas: Personas, record_situation: RecordSituation
) -> None:
    from tests.situations.conftest import (
        VALID_ENCODING,
        VALID_KEY_ID,
        VALID_VERSION,
        stored_encoding,
    )

    situation = record_situation(
        personas.recorder_a,
        identity_encoding=VALID_ENCODING,
        identity_version=VALID_VERSION,
        identity_key_id=VALID_KEY_ID,
    )
    situation_update(actor=personas.recorder_a, situation=situation, data=valid_data(age_years=12))
    situation.refresh_from_db()
    assert stored_encoding(situation) == VALID_ENCODING
    assert situation.age_years == 12


def test_it_updates_by_reference_in_an_import(personas: Personas) -> None:
    first = situations_import_apply(
        actor=personas.steward_a,
        organisation=personas.org_a,
        rows=[valid_data(reference="R-1")],
    )
    again = situations_import_apply(
        actor=personas.steward_a,
        organisation=personas.org_a,
        rows=[valid_data(reference="R-1", status="confirmed")],
    )
    assert (len(first.created_ids), again.updated_ids) == (1, first.created_ids)
    assert Situation.objects.get().status == "confirmed"


def test_it_sets_changes_and_removes_the_note(
    personas: Personas, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a, note="Vue à la gare")
    assert situation_note(actor=personas.steward_a, situation=situation) == "Vue à la gare"
    situation_update(
        actor=personas.recorder_a, situation=situation, data={"note": "Autre"}, partial=True
    )
    assert situation_note(actor=personas.recorder_a, situation=situation) == "Autre"
    situation_update(
        actor=personas.recorder_a, situation=situation, data={"note": ""}, partial=True
    )
    situation.refresh_from_db()
    assert situation.note_ciphertext is None


def test_it_keeps_notes_from_other_organisations(
    personas: Personas, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a, note="confidentiel")
    with pytest.raises(PermissionDenied):
        situation_note(actor=personas.recorder_b, situation=situation)

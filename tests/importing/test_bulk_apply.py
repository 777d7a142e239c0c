"""situations_import_apply: bulk writes, all or nothing, one audit event naming every situation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balise.audit.models import AuditEvent
from balise.audit.services import verify_chain
from balise.situations import services
from balise.situations.models import Situation
from balise.situations.services import (
    SituationRowsError,
    SituationValidationError,
    id_ranges,
    ids_of_ranges,
    situation_note,
    situations_import_apply,
)
from balise.situations.validation import validate_situation_data
from tests.conftest import Personas
from tests.situations.conftest import valid_data


def _rows(count: int, prefix: str = "B", **overrides: Any) -> list[dict[str, Any]]:
    return [valid_data(reference=f"{prefix}{n:05d}", **overrides) for n in range(count)]


def _apply(personas: Personas, rows: list[dict[str, Any]], **kwargs: Any) -> Any:
    return situations_import_apply(
        actor=personas.steward_a, organisation=personas.org_a, rows=rows, **kwargs
    )


def test_it_creates_every_row_with_one_audit_event(personas: Personas) -> None:
    applied = _apply(personas, _rows(50))
    assert applied.counts() == {"created": 50, "updated": 0, "unchanged": 0}
    ids = sorted(Situation.objects.filter(organisation=personas.org_a).values_list("pk", flat=True))
    assert sorted(applied.created_ids) == ids
    assert not AuditEvent.objects.filter(action__in=["situation.create", "situation.update"])
    event = AuditEvent.objects.get(action="situation.import")
    assert event.organisation_id == personas.org_a.pk
    assert event.actor_id == personas.steward_a.pk
    assert ids_of_ranges(event.details["created_ids"]) == ids
    assert event.details["updated_ids"] == []
    assert (event.details["rows"], event.details["created"], event.details["id_parts"]) == (
        50,
        50,
        1,
    )
    assert verify_chain().ok


def test_it_updates_only_what_changed(personas: Personas) -> None:
    _apply(personas, _rows(3))
    before = {s.reference: s.updated_at for s in Situation.objects.all()}
    rows = _rows(3)
    rows[1]["age_years"] = 9
    rows[2]["places"] = ["hotel"]
    applied = _apply(personas, rows)
    assert applied.counts() == {"created": 0, "updated": 2, "unchanged": 1}
    after = {s.reference: s for s in Situation.objects.all()}
    assert after["B00000"].updated_at == before["B00000"]
    assert after["B00001"].age_years == 9
    assert after["B00001"].updated_at > before["B00001"]
    assert after["B00002"].places == ["hotel"]
    event = AuditEvent.objects.filter(action="situation.import").last()
    assert event is not None
    assert event.details["fields"] == {"age_years": 1, "places": 1}
    assert sorted(ids_of_ranges(event.details["updated_ids"])) == sorted(
        [after["B00001"].pk, after["B00002"].pk]
    )


def test_it_keeps_fields_a_row_does_not_give(personas: Personas) -> None:
    _apply(personas, _rows(1))
    partial = {"reference": "B00000", "age_years": 11}
    applied = _apply(personas, [partial])
    assert applied.counts()["updated"] == 1
    situation = Situation.objects.get(reference="B00000")
    assert (situation.age_years, situation.places) == (11, ["private_rental", "hotel"])


def test_it_writes_nothing_when_any_row_is_wrong(personas: Personas) -> None:
    rows = _rows(4)
    rows[2]["gender"] = "martian"
    rows[3]["reference"] = rows[0]["reference"]
    with pytest.raises(SituationRowsError) as refused:
        _apply(personas, rows)
    assert sorted(refused.value.errors) == [2, 3]
    assert [i.field for i in refused.value.errors[2].issues] == ["gender"]
    assert [i.code for i in refused.value.errors[3].issues] == ["duplicate"]
    assert Situation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="situation.import").exists()


def test_it_requires_a_reference(personas: Personas) -> None:
    with pytest.raises(SituationRowsError) as refused:
        _apply(personas, [valid_data(reference="")])
    assert [i.code for i in refused.value.errors[0].issues] == ["required"]


def test_it_refuses_identity_fields_and_audits_it(personas: Personas) -> None:
    with pytest.raises(SituationValidationError):
        _apply(personas, [{**valid_data(), "first_name": "Ana"}])
    event = AuditEvent.objects.get(action="security.identity_field_refused")
    assert event.details == {"fields": ["first_name"], "channel": "import"}
    assert Situation.objects.count() == 0


def test_it_refuses_anyone_but_a_member_of_the_organisation(personas: Personas) -> None:
    for outsider in (personas.steward_b, personas.analyst, personas.loner):
        with pytest.raises(PermissionDenied):
            situations_import_apply(actor=outsider, organisation=personas.org_a, rows=_rows(1))
    assert Situation.objects.count() == 0


def test_it_keeps_organisations_apart(personas: Personas) -> None:
    _apply(personas, _rows(2))
    applied = situations_import_apply(
        actor=personas.steward_b, organisation=personas.org_b, rows=_rows(2)
    )
    assert applied.counts()["created"] == 2
    assert Situation.objects.filter(organisation=personas.org_a).count() == 2


def test_it_encrypts_notes_and_changes_them(personas: Personas) -> None:
    _apply(personas, [valid_data(reference="N1", note="premier entretien")])
    situation = Situation.objects.get(reference="N1")
    assert situation_note(actor=personas.steward_a, situation=situation) == "premier entretien"
    again = _apply(personas, [valid_data(reference="N1", note="premier entretien")])
    assert again.counts()["unchanged"] == 1
    changed = _apply(personas, [valid_data(reference="N1", note="second entretien")])
    assert changed.counts()["updated"] == 1
    situation.refresh_from_db()
    assert situation_note(actor=personas.steward_a, situation=situation) == "second entretien"
    event = AuditEvent.objects.filter(action="situation.import").last()
    assert event is not None
    assert event.details["fields"] == {"note_ciphertext": 1}
    assert "entretien" not in str(event.details)


def test_it_reuses_rows_already_validated(personas: Personas) -> None:
    rows = _rows(3)
    cleaned = [validate_situation_data(row) for row in rows]
    applied = _apply(personas, rows, cleaned=cleaned)
    assert applied.counts()["created"] == 3
    assert _apply(personas, rows, cleaned=cleaned).counts()["unchanged"] == 3


def test_it_writes_in_batches_not_row_by_row(personas: Personas) -> None:
    with CaptureQueriesContext(connection) as many:
        _apply(personas, _rows(300, prefix="M"))
    # A few statements per batch of rows (SQLite caps the parameters of one statement).
    assert len(many.captured_queries) < 30
    with CaptureQueriesContext(connection) as again:
        _apply(personas, _rows(300, prefix="M"))
    assert len(again.captured_queries) < 15


def test_it_splits_long_id_lists_over_continuation_events(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    _apply(personas, _rows(6))
    monkeypatch.setattr(services, "AUDIT_ID_RANGES_PER_EVENT", 2)
    rows = _rows(6)
    for row in rows[::2]:  # every other situation changes: three separate id ranges
        row["age_years"] = 8
    applied = _apply(personas, rows)
    assert len(applied.events) == 2
    main, extra = applied.events
    assert (main.action, extra.action) == ("situation.import", "situation.import_ids")
    assert main.details["id_parts"] == 2
    assert extra.details["event"] == main.seq
    assert extra.seq == main.seq + 1
    named = ids_of_ranges(main.details["updated_ids"] + extra.details["updated_ids"])
    assert sorted(named) == sorted(applied.updated_ids)
    assert verify_chain().ok


def test_it_writes_ids_as_exact_ranges() -> None:
    assert id_ranges([]) == []
    assert id_ranges([5, 1, 2, 3, 9, 10, 3]) == [[1, 3], [5, 5], [9, 10]]
    assert ids_of_ranges(id_ranges([7, 4, 5, 12])) == [4, 5, 7, 12]

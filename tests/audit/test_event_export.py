"""CSV export of the filtered audit events: audited, formula cells neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.audit.services import record_event, verify_chain
from balise.audit.views import CSV_COLUMNS
from balise.core.formulas import safe_cells
from tests.conftest import Personas, make_user

URL = reverse("audit:export")
SignIn = Callable[[User], Client]


def _csv(response: object) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]  # sync iterator
    return list(csv.DictReader(io.StringIO(body)))


@pytest.mark.django_db
def test_it_exports_the_filtered_events_and_audits_the_export(
    personas: Personas, signed_in: SignIn
) -> None:
    record_event("test.alpha", actor=personas.steward_a)
    record_event("test.bravo", actor=personas.steward_b)
    record_event("test.alpha", actor=personas.recorder_b)
    client = signed_in(personas.admin)
    response = client.get(URL, {"action": "test.alpha"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="balise-audit-')
    rows = _csv(response)
    assert list(rows[0]) == CSV_COLUMNS
    assert [row["seq"] for row in rows] == ["1", "3"]
    assert rows[0]["organisation"] == "Zone de police Alpha"
    export = AuditEvent.objects.get(action="audit.exported")
    assert export.actor_id == personas.admin.pk
    assert export.details == {"format": "csv", "rows": 2, "filters": {"action": "test.alpha"}}
    assert verify_chain().ok


@pytest.mark.django_db
def test_it_leaves_its_own_event_out_of_the_file(personas: Personas, signed_in: SignIn) -> None:
    record_event("test.alpha")
    rows = _csv(signed_in(personas.admin).get(URL))
    assert [row["action"] for row in rows] == ["test.alpha"]
    assert AuditEvent.objects.filter(action="audit.exported").count() == 1


@pytest.mark.django_db
def test_it_neutralises_formula_cells(personas: Personas, signed_in: SignIn) -> None:
    attacker = make_user("=HYPERLINK(1)@example.org")
    record_event("test.alpha", actor=attacker, object_type="thing", object_id="+1+2")
    rows = _csv(signed_in(personas.admin).get(URL))
    assert rows[0]["actor"] == "'=hyperlink(1)@example.org"
    assert rows[0]["object_id"] == "'+1+2"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("-2", "'-2"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("ok", "ok"), (None, "")],
)
def test_it_prefixes_cells_a_spreadsheet_would_run(value: str | None, expected: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(safe_cells([value]))
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [expected]


@pytest.mark.django_db
def test_it_answers_400_to_invalid_filters(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.admin).get(URL, {"date_from": "tomorrow"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["steward_a", "analyst", "editor"])
def test_it_refuses_everyone_but_administrators(
    personas: Personas, signed_in: SignIn, who: str
) -> None:
    assert signed_in(getattr(personas, who)).get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


@pytest.mark.django_db
def test_it_refuses_post(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).post(URL).status_code == 405

"""An identity encoding goes into the server and no further: not into a log record, an SQL
statement in clear, an audit event, an export (recorders' or analysts'), an import report, a
page or an API read. Only the linkage run decrypts it."""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from balise.audit.models import AuditEvent
from balise.observatory.runs import linkage_run
from balise.observatory.selectors import BREAKDOWNS
from balise.situations.importing import run_import
from balise.situations.models import Situation
from tests.api.conftest import VALID, ApiClient, token_for
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import QUALITY_CHILDREN, encoding_of
from tests.situations.conftest import valid_data
from tests.situations.test_create_view import form_post

CHILDREN = ("amina", "lucas", "senait", "nora")


def _needles(names: Iterable[str]) -> list[str]:
    """Every spelling of the encodings a leak could take: base64, a slice of it, hex."""
    needles = []
    for name in names:
        text = encoding_of(name)["identity_encoding"]
        raw = base64.b64decode(text)
        needles += [text, text[40:80], raw.hex(), raw[20:60].hex()]
    return needles


NEEDLES = _needles(CHILDREN)


def _leaks(text: str) -> list[str]:
    return [needle[:12] for needle in NEEDLES if needle in text]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.getMessage()} {record.args!r} {record.exc_text or ''}")


@contextmanager
def _everything_logged() -> Iterator[tuple[_Records, CaptureQueriesContext]]:
    """Every log record of every logger at DEBUG, SQL statements included."""
    handler = _Records()
    root = logging.getLogger()
    loggers = [root, logging.getLogger("django"), logging.getLogger("django.db.backends")]
    levels = [logger.level for logger in loggers]
    root.addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        with CaptureQueriesContext(connection) as queries:
            yield handler, queries
    finally:
        root.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _csv_with(rows: list[dict[str, str]]) -> bytes:
    header = list(rows[0])
    lines = [";".join(header)] + [";".join(row[h] for h in header) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _import_row(reference: str, child: str, **changes: str) -> dict[str, str]:
    identity = encoding_of(child)
    return {
        "record_id": reference,
        "balise_encoding": identity["identity_encoding"],
        "balise_version": identity["identity_version"],
        "balise_key_id": identity["identity_key_id"],
        "detection_month": "2025-04",
        "arrondissement": "21000",
        "gender": "girl",
        "citizenship_group": "non_eu",
        "forms": "prostitution",
        "status": "presumed",
        **changes,
    }


def _record_every_way(personas: Personas) -> tuple[Client, ApiClient]:
    """Amina through the form, Lucas through the API, Senait and Nora through an import."""
    browser = login_verified(Client(), personas.recorder_a)
    response = browser.post(
        reverse("situations:create"), form_post(reference="FORM-1", **encoding_of("amina"))
    )
    assert response.status_code == 302
    api = ApiClient(Client(), token_for(personas.recorder_a))
    created = api.send("post", "/api/v1/situations", {**VALID, **encoding_of("lucas")})
    assert created.status_code == 201
    steward = personas.steward_a
    assert steward.organisation is not None
    content = _csv_with([_import_row("IMP-1", "senait"), _import_row("IMP-2", "nora")])
    result = run_import(content, actor=steward, organisation=steward.organisation, apply=True)
    assert result["ok"], result["errors"]
    return browser, api


def test_it_keeps_encodings_out_of_logs_sql_and_audit(personas: Personas) -> None:
    with _everything_logged() as (logged, queries):
        _record_every_way(personas)
        run = linkage_run(actor=None, quality_children=QUALITY_CHILDREN)
    assert run.encoded == Situation.objects.count() == 4
    assert queries.captured_queries, "the SQL capture works"
    sql = "\n".join(q["sql"] for q in queries.captured_queries)
    assert "INSERT" in sql.upper()
    assert _leaks(sql) == []
    assert any("INSERT" in text.upper() for text in logged.texts), "the log capture works"
    assert _leaks("\n".join(logged.texts)) == []
    events = AuditEvent.objects.all()
    assert {"situation.create", "situation.import", "observatory.linkage_run"} <= {
        e.action for e in events
    }
    for event in events:
        assert _leaks(json.dumps(event.details) + event.object_id + event.action) == []


def test_it_keeps_encodings_out_of_exports_pages_and_reports(personas: Personas) -> None:
    browser, _api = _record_every_way(personas)
    situation = Situation.objects.get(reference="FORM-1")
    texts = [
        browser.get(reverse("situations:export_csv")).content.decode("utf-8-sig"),
        browser.get(reverse("situations:detail", args=[situation.pk])).content.decode(),
        browser.get(reverse("situations:edit", args=[situation.pk])).content.decode(),
        browser.get(reverse("situations:list")).content.decode(),
    ]
    sheet = load_workbook(io.BytesIO(browser.get(reverse("situations:export_xlsx")).content)).active
    assert sheet is not None
    texts.append(repr(list(sheet.iter_rows(values_only=True))))
    assert "FORM-1" in texts[0], "the export holds the situations"
    # An import refused for another cell echoes values, never the encoding.
    steward = personas.steward_a
    assert steward.organisation is not None
    refused = run_import(
        _csv_with([_import_row("IMP-3", "amina", gender="nope")]),
        actor=steward,
        organisation=steward.organisation,
        apply=False,
    )
    assert not refused["ok"]
    texts.append(json.dumps(refused))
    # Analysts: every table export after a linkage run.
    linkage_run(actor=None, quality_children=0)
    analyst = login_verified(Client(), personas.analyst)
    for name in (*BREAKDOWNS, "overlap"):
        response = analyst.get(reverse("observatory:export", args=[name, "csv"]))
        assert response.status_code == 200
        texts.append(response.content.decode("utf-8-sig"))
    texts.append(analyst.get(reverse("observatory:linkage")).content.decode())
    for text in texts:
        assert _leaks(text) == []


def test_it_never_returns_an_encoding_from_the_api(personas: Personas) -> None:
    _browser, api = _record_every_way(personas)
    mine = Situation.objects.get(reference="IMP-1")
    bodies = [
        api.get("/api/v1/situations").content.decode(),
        api.get(f"/api/v1/situations/{mine.pk}").content.decode(),
        api.send(
            "put", f"/api/v1/situations/{mine.pk}", {**VALID, **encoding_of("senait")}
        ).content.decode(),
        api.send("patch", f"/api/v1/situations/{mine.pk}", encoding_of("amina")).content.decode(),
        api.send(
            "post", "/api/v1/situations", {**VALID, "reference": "API-2", **encoding_of("nora")}
        ).content.decode(),
    ]
    listed = json.loads(bodies[0])["items"]
    assert len(listed) == 4
    for item in listed:
        assert "identity_encoding" not in item
        assert item["has_identity"] is True
    for body in bodies:
        assert _leaks(body) == []
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "identity_encoding" not in schema["SituationOut"]["properties"]
    assert "identity_encoding" in schema["SituationIn"]["properties"]  # writes accept it


@pytest.mark.parametrize("channel", ["form", "api"])
def test_it_stores_what_each_way_in_sent(personas: Personas, channel: str) -> None:
    """The encryption is not a black hole: the run reads back exactly what was sent."""
    from balise.situations.encodings import open_situation

    if channel == "form":
        login_verified(Client(), personas.recorder_a).post(
            reverse("situations:create"), form_post(reference="W-1", **encoding_of("nora"))
        )
    else:
        api = ApiClient(Client(), token_for(personas.recorder_a))
        api.send("post", "/api/v1/situations", valid_data(reference="W-1", **encoding_of("nora")))
    situation = Situation.objects.get(reference="W-1")
    raw = open_situation(situation)
    assert raw is not None
    assert base64.b64encode(raw).decode() == encoding_of("nora")["identity_encoding"]

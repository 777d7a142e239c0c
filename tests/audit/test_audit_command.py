"""`balise audit verify | head | export` on an intact chain, on copies, and how failure looks."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from balise.audit.models import AuditEvent
from balise.audit.services import GENESIS_HASH, chain_head
from tests.audit.helpers import attacker_sql, seed_chain


def run(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_reports_the_number_of_events_checked() -> None:
    events = seed_chain(5)
    output = run("verify")
    assert "audit chain OK: 5 events checked" in output
    assert f"head 5:{events[-1].hash}" in output


@pytest.mark.django_db
def test_it_accepts_an_empty_log() -> None:
    assert "0 events checked" in run("verify")
    assert run("head").strip() == f"0:{GENESIS_HASH}"


@pytest.mark.django_db
def test_it_prints_the_head_as_seq_and_hash() -> None:
    events = seed_chain(3)
    assert run("head").strip() == f"3:{events[-1].hash}"


@pytest.mark.django_db
def test_it_accepts_an_earlier_head_once_the_log_has_grown() -> None:
    seed_chain(3)
    head = run("head").strip()
    seed_chain(2)
    assert "5 events checked" in run("verify", "--expect-head", head)


@pytest.mark.django_db
def test_it_exits_1_and_names_the_first_broken_event() -> None:
    seed_chain(4)
    attacker_sql("UPDATE audit_auditevent SET object_id = 'other' WHERE seq = 2")
    with pytest.raises(CommandError) as caught:
        run("verify")
    assert caught.value.returncode == 1
    assert "BROKEN at event #2" in str(caught.value)
    assert "content does not match its hash" in str(caught.value)
    assert "1 events checked before it" in str(caught.value)


@pytest.mark.django_db
def test_it_rejects_a_malformed_head() -> None:
    with pytest.raises(CommandError, match="SEQ:HASH"):
        run("verify", "--expect-head", "12:nothex")


@pytest.mark.django_db
def test_it_rejects_a_head_that_names_another_chain() -> None:
    seed_chain(3)
    with pytest.raises(CommandError, match="#3: hash differs from the anchored chain head"):
        run("verify", "--expect-head", f"3:{'a' * 64}")
    assert chain_head().seq == 3


@pytest.mark.django_db
def test_it_exports_a_copy_that_verifies_elsewhere(tmp_path: Path) -> None:
    seed_chain(5)
    copy = tmp_path / "audit.jsonl"
    assert "5 events written" in run("export", "--output", str(copy))
    assert len(copy.read_text().splitlines()) == 5
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.details == {"format": "jsonl", "rows": 5, "after": 0, "to": 5}
    assert "5 events checked; head 5:" in run("verify", "--input", str(copy))


@pytest.mark.django_db
def test_it_verifies_an_exported_segment(tmp_path: Path) -> None:
    seed_chain(6)
    copy = tmp_path / "tail.jsonl"
    run("export", "--after", "4", "--output", str(copy))
    output = run("verify", "--input", str(copy))
    assert "starts at event #5" in output
    assert "2 events checked; head 6:" in output


@pytest.mark.django_db
def test_it_names_the_first_broken_event_of_a_tampered_copy(tmp_path: Path) -> None:
    seed_chain(5)
    copy = tmp_path / "audit.jsonl"
    run("export", "--output", str(copy))
    lines = copy.read_text().splitlines()
    changed = [*lines[:2], lines[2].replace('"test.event"', '"test.other"'), *lines[3:]]
    copy.write_text("\n".join(changed) + "\n")
    with pytest.raises(CommandError, match="BROKEN at event #3: content") as caught:
        run("verify", "--input", str(copy))
    assert caught.value.returncode == 1
    copy.write_text("\n".join([*lines[:2], *lines[3:]]) + "\n")  # event 3 left out
    with pytest.raises(CommandError, match="event #3 is missing"):
        run("verify", "--input", str(copy))


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_an_export(tmp_path: Path) -> None:
    seed_chain(2)
    copy = tmp_path / "audit.jsonl"
    run("export", "--output", str(copy))
    copy.write_text(copy.read_text() + '{"seq": 3}\n')
    with pytest.raises(CommandError, match="line 3 is not an exported audit event"):
        run("verify", "--input", str(copy))

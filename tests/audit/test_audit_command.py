"""`balise audit verify` and `balise audit head` on an intact chain, and how failure looks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

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

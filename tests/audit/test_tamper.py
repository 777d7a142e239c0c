"""Someone with full database access (triggers lifted) tampers; verify names the first broken event.

Each test builds an intact chain of six events, checks that it verifies, tampers with raw SQL as an
attacker without the chain key would, and checks what verify reports. What verify cannot see on
its own (events cut off the end) is caught only with an anchor kept outside the database.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import pytest
from django.db import connection

from balise.audit.models import AuditEvent
from balise.audit.services import ChainHead, chain_head, verify_chain
from tests.audit.helpers import attacker_sql, seed_chain


def _forged_hash(prev_hash: str, body: str) -> str:
    # The attacker does not hold BALISE_AUDIT_KEY: the best they can do is guess one.
    return hmac.new(b"guessed-key", (prev_hash + body).encode(), hashlib.sha256).hexdigest()


def _mutate_action() -> None:
    attacker_sql("UPDATE audit_auditevent SET action = 'test.harmless' WHERE seq = 3")


def _mutate_details() -> None:
    attacker_sql("UPDATE audit_auditevent SET details = %s WHERE seq = 3", ['{"step": 99}'])


def _mutate_time() -> None:
    event = AuditEvent.objects.get(seq=3)
    attacker_sql(
        "UPDATE audit_auditevent SET created_at = %s WHERE seq = 3",
        [event.created_at.replace(year=event.created_at.year - 1)],
    )


def _mutate_actor() -> None:
    attacker_sql("UPDATE audit_auditevent SET actor_id = 42, actor_label = 'x@y.z' WHERE seq = 3")


def _delete_middle() -> None:
    attacker_sql("DELETE FROM audit_auditevent WHERE seq = 3")


def _delete_and_renumber() -> None:
    attacker_sql("DELETE FROM audit_auditevent WHERE seq = 3")
    for seq in (4, 5, 6):
        attacker_sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [seq - 1, seq])


def _swap_seqs() -> None:
    attacker_sql("UPDATE audit_auditevent SET seq = -1 WHERE seq = 3")
    attacker_sql("UPDATE audit_auditevent SET seq = 3 WHERE seq = 5")
    attacker_sql("UPDATE audit_auditevent SET seq = 5 WHERE seq = -1")


def _rewrite_with_guessed_key() -> None:
    # Change event 3 and re-link 3..6 so that every prev_hash matches: still no valid HMAC.
    prev = AuditEvent.objects.get(seq=2).hash
    for seq in (3, 4, 5, 6):
        new_hash = _forged_hash(prev, f"forged-{seq}")
        attacker_sql(
            "UPDATE audit_auditevent SET action = 'test.rewritten', prev_hash = %s, hash = %s "
            "WHERE seq = %s",
            [prev, new_hash, seq],
        )
        prev = new_hash


Tamper = Callable[[], None]
CASES: list[tuple[str, Tamper, int, str]] = [
    ("mutate-action", _mutate_action, 3, "content does not match its hash"),
    ("mutate-details", _mutate_details, 3, "content does not match its hash"),
    ("mutate-time", _mutate_time, 3, "content does not match its hash"),
    ("mutate-actor", _mutate_actor, 3, "content does not match its hash"),
    ("delete-middle", _delete_middle, 3, "event #3 is missing"),
    ("delete-and-renumber", _delete_and_renumber, 3, "previous-hash link does not match"),
    ("swap-seqs", _swap_seqs, 3, "previous-hash link does not match"),
    ("rewrite-with-guessed-key", _rewrite_with_guessed_key, 3, "content does not match its hash"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tamper", "broken_seq", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_it_names_the_first_broken_event(tamper: Tamper, broken_seq: int, reason: str) -> None:
    seed_chain(6)
    assert verify_chain().ok
    tamper()
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == broken_seq
    assert reason in result.reason
    assert result.checked == broken_seq - 1


@pytest.mark.django_db
def test_it_catches_a_forged_event_appended_at_the_end() -> None:
    events = seed_chain(6)
    last = events[-1]
    attacker_sql(
        "INSERT INTO audit_auditevent (seq, created_at, actor_id, actor_label, organisation_id, "
        "action, object_type, object_id, request_id, details, prev_hash, hash) "
        "VALUES (7, %s, NULL, '', NULL, 'test.forged', '', '', '', %s, %s, %s)",
        [last.created_at, "{}", last.hash, _forged_hash(last.hash, "forged")],
    )
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 7)
    assert "content does not match its hash" in result.reason


@pytest.mark.django_db
def test_it_catches_a_forged_event_inserted_with_a_missing_number() -> None:
    events = seed_chain(6)
    attacker_sql(
        "INSERT INTO audit_auditevent (seq, created_at, actor_id, actor_label, organisation_id, "
        "action, object_type, object_id, request_id, details, prev_hash, hash) "
        "VALUES (9, %s, NULL, '', NULL, 'test.forged', '', '', '', %s, %s, %s)",
        [events[-1].created_at, "{}", events[-1].hash, _forged_hash(events[-1].hash, "gap")],
    )
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 7)
    assert "event #7 is missing" in result.reason


@pytest.mark.django_db
def test_it_needs_an_anchor_to_see_a_truncated_tail() -> None:
    seed_chain(6)
    anchor = chain_head()
    attacker_sql("DELETE FROM audit_auditevent WHERE seq >= 5")
    # The shorter chain is internally consistent: nothing inside the database can tell.
    alone = verify_chain()
    assert alone.ok
    assert alone.checked == 4
    anchored = verify_chain(expect_head=anchor)
    assert not anchored.ok
    assert anchored.first_broken_seq == 5
    assert "events were removed from the end" in anchored.reason


@pytest.mark.django_db
def test_it_catches_a_tail_replaced_after_the_anchor_was_taken() -> None:
    seed_chain(6)
    anchor = ChainHead(4, AuditEvent.objects.get(seq=4).hash)
    attacker_sql("DELETE FROM audit_auditevent WHERE seq >= 4")
    seed_chain(3)  # new, validly keyed events at seq 4..6 (the application itself appended them)
    result = verify_chain(expect_head=anchor)
    assert (result.ok, result.first_broken_seq) == (False, 4)
    assert "anchored chain head" in result.reason


@pytest.mark.django_db
def test_it_catches_changes_made_after_dropping_the_triggers() -> None:
    # The strongest attacker owns the database: they drop the triggers rather than lift them.
    # DDL is transactional on PostgreSQL and SQLite: the test's rollback restores the triggers.
    seed_chain(6)
    triggers = {
        "postgresql": [
            "DROP TRIGGER audit_event_append_only_rows ON audit_auditevent",
            "DROP TRIGGER audit_event_append_only_truncate ON audit_auditevent",
        ],
        "sqlite": [
            "DROP TRIGGER audit_event_append_only_update",
            "DROP TRIGGER audit_event_append_only_delete",
        ],
    }[connection.vendor]
    with connection.cursor() as cursor:
        for statement in triggers:
            cursor.execute(statement)
        cursor.execute("UPDATE audit_auditevent SET details = %s WHERE seq = 2", ['{"step": 0}'])
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 5")
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 2)
    assert "content does not match its hash" in result.reason

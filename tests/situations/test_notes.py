"""Notes are encrypted with AES-GCM bound to their organisation and situation."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured

from balise.situations.models import Situation
from balise.situations.notes import NoteIntegrityError, decrypt_note, encrypt_note
from balise.situations.services import situation_note
from tests.conftest import Personas
from tests.situations.conftest import RecordSituation


def test_it_round_trips_a_note() -> None:
    blob = encrypt_note("Vue près de la gare — 3 fois", organisation_id=1, situation_id=7)
    assert b"gare" not in blob
    assert decrypt_note(blob, organisation_id=1, situation_id=7) == "Vue près de la gare — 3 fois"


def test_it_uses_a_fresh_nonce_each_time() -> None:
    one = encrypt_note("même texte", organisation_id=1, situation_id=7)
    two = encrypt_note("même texte", organisation_id=1, situation_id=7)
    assert one != two


@pytest.mark.parametrize(("org", "situation"), [(2, 7), (1, 8)])
def test_it_refuses_a_ciphertext_moved_to_another_row(org: int, situation: int) -> None:
    blob = encrypt_note("texte", organisation_id=1, situation_id=7)
    with pytest.raises(NoteIntegrityError):
        decrypt_note(blob, organisation_id=org, situation_id=situation)


def test_it_detects_tampering() -> None:
    blob = bytearray(encrypt_note("texte", organisation_id=1, situation_id=7))
    blob[-1] ^= 0x01
    with pytest.raises(NoteIntegrityError):
        decrypt_note(bytes(blob), organisation_id=1, situation_id=7)


def test_it_refuses_a_note_copied_between_situations_in_the_database(
    personas: Personas, record_situation: RecordSituation
) -> None:
    source = record_situation(personas.recorder_a, note="à ne pas déplacer")
    target = record_situation(personas.recorder_a, reference="DOSS-2", note="")
    Situation.objects.filter(pk=target.pk).update(note_ciphertext=source.note_ciphertext)
    target.refresh_from_db()
    with pytest.raises(NoteIntegrityError):
        situation_note(actor=personas.recorder_a, situation=target)


def test_it_stores_only_ciphertext(personas: Personas, record_situation: RecordSituation) -> None:
    situation = record_situation(personas.recorder_a, note="mot-témoin-unique")
    stored = Situation.objects.values_list("note_ciphertext", flat=True).get(pk=situation.pk)
    assert stored is not None
    assert "mot-témoin-unique".encode() not in bytes(stored)


def test_it_refuses_a_key_of_the_wrong_size(settings: LazySettings) -> None:
    settings.NOTES_KEY = "c2hvcnQ="
    with pytest.raises(ImproperlyConfigured):
        encrypt_note("x", organisation_id=1, situation_id=1)

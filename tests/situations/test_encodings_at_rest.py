"""Identity encodings are stored encrypted (AES-GCM) with a salted digest, never in clear."""

from __future__ import annotations

import base64
import re

import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from balise.audit.models import AuditEvent
from balise.linkage.spec import CURRENT
from balise.situations import encodings
from balise.situations.checks import check_encryption_keys
from balise.situations.encodings import EncodingIntegrityError, open_sealed, open_situation, seal
from balise.situations.models import Situation
from balise.situations.services import (
    situation_create,
    situation_update,
    situations_import_apply,
)
from tests.conftest import Personas
from tests.situations.conftest import (
    VALID_ENCODING,
    VALID_KEY_ID,
    RecordSituation,
    stored_encoding,
    valid_data,
)

VERSION = str(CURRENT.version)
OTHER_ENCODING = base64.b64encode(bytes(255 - i % 256 for i in range(CURRENT.total_bytes))).decode()
IDENTITY = {
    "identity_encoding": VALID_ENCODING,
    "identity_version": VERSION,
    "identity_key_id": VALID_KEY_ID,
}


def _stored(situation: Situation) -> tuple[bytes, bytes]:
    blob, digest = Situation.objects.values_list("identity_ciphertext", "identity_digest").get(
        pk=situation.pk
    )
    assert blob is not None
    assert digest is not None
    return bytes(blob), bytes(digest)


def test_it_round_trips_an_encoding() -> None:
    blob, _digest = seal(VALID_ENCODING, organisation_id=3, version=VERSION, key_id=VALID_KEY_ID)
    raw = open_sealed(blob, organisation_id=3, version=VERSION, key_id=VALID_KEY_ID)
    assert base64.b64encode(raw).decode() == VALID_ENCODING


def test_it_stores_a_different_ciphertext_for_the_same_encoding(
    personas: Personas, record_situation: RecordSituation
) -> None:
    one = record_situation(personas.recorder_a, reference="R-1", **IDENTITY)
    two = record_situation(personas.recorder_a, reference="R-2", **IDENTITY)
    (blob_one, digest_one), (blob_two, digest_two) = _stored(one), _stored(two)
    assert blob_one != blob_two
    assert digest_one != digest_two  # salted: equal encodings are not visible as equal rows
    raw = base64.b64decode(VALID_ENCODING)
    for stored in (blob_one, blob_two, digest_one, digest_two):
        assert raw not in stored
        assert VALID_ENCODING.encode() not in stored
    assert stored_encoding(one) == stored_encoding(two) == VALID_ENCODING
    assert one.has_identity
    assert (one.identity_version, one.identity_key_id) == (VERSION, VALID_KEY_ID)


def test_it_refuses_a_ciphertext_moved_to_another_organisation_or_relabelled(
    personas: Personas, record_situation: RecordSituation
) -> None:
    source = record_situation(personas.recorder_a, reference="R-1", **IDENTITY)
    target = record_situation(personas.recorder_b, reference="R-2", **IDENTITY)
    blob, digest = _stored(source)
    Situation.objects.filter(pk=target.pk).update(identity_ciphertext=blob, identity_digest=digest)
    target.refresh_from_db()
    with pytest.raises(EncodingIntegrityError):
        open_situation(target)
    Situation.objects.filter(pk=source.pk).update(identity_key_id="fedcba9876543210")
    source.refresh_from_db()
    with pytest.raises(EncodingIntegrityError):
        open_situation(source)


def test_it_fails_closed_with_a_wrong_key(
    personas: Personas, record_situation: RecordSituation, settings: LazySettings
) -> None:
    situation = record_situation(personas.recorder_a, **IDENTITY)
    settings.ENCODINGS_KEY = base64.b64encode(b"another server's key, 32 bytes!!").decode()
    with pytest.raises(EncodingIntegrityError, match="BALISE_ENCODINGS_KEY"):
        open_situation(situation)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "BALISE_ENCODINGS_KEY (or BALISE_ENCODINGS_KEY_FILE) must be set"),
        ("not base64!", "BALISE_ENCODINGS_KEY must be base64"),
        ("c2hvcnQ=", "BALISE_ENCODINGS_KEY must hold 32 bytes"),
    ],
)
def test_it_refuses_to_write_without_a_usable_key(
    personas: Personas, settings: LazySettings, value: str, message: str
) -> None:
    settings.ENCODINGS_KEY = value
    assert personas.recorder_a.organisation is not None
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        situation_create(
            actor=personas.recorder_a,
            organisation=personas.recorder_a.organisation,
            data=valid_data(**IDENTITY),
        )
    assert not Situation.objects.exists()


def test_it_keeps_identity_columns_all_or_nothing(
    personas: Personas, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a, **IDENTITY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Situation.objects.filter(pk=situation.pk).update(identity_digest=None)


def test_it_tells_a_changed_encoding_from_the_same_one(
    personas: Personas, record_situation: RecordSituation
) -> None:
    situation = record_situation(personas.recorder_a, **IDENTITY)
    assert encodings.identity_changes(situation, VALID_ENCODING, VERSION, VALID_KEY_ID) == []
    assert encodings.identity_changes(situation, "", "", "") == []
    assert encodings.identity_changes(situation, OTHER_ENCODING, VERSION, VALID_KEY_ID) == [
        "identity_encoding"
    ]
    blob_before, _ = _stored(situation)
    situation_update(
        actor=personas.recorder_a, situation=situation, data=valid_data(**IDENTITY, age_years=9)
    )
    update = AuditEvent.objects.filter(action="situation.update").latest("seq")
    assert update.details["fields"] == ["age_years"]
    assert _stored(situation)[0] == blob_before  # the same encoding is not rewritten
    situation_update(
        actor=personas.recorder_a,
        situation=situation,
        data=valid_data(**{**IDENTITY, "identity_encoding": OTHER_ENCODING}, age_years=9),
    )
    update = AuditEvent.objects.filter(action="situation.update").latest("seq")
    assert update.details["fields"] == ["identity_encoding"]
    assert stored_encoding(situation) == OTHER_ENCODING


def test_it_imports_unchanged_rows_and_keeps_an_encoding_for_empty_cells(
    personas: Personas, record_situation: RecordSituation
) -> None:
    steward = personas.steward_a
    organisation = steward.organisation
    assert organisation is not None
    situation = record_situation(personas.recorder_a, reference="R-1", **IDENTITY)
    blob_before, _ = _stored(situation)

    def apply(**identity: str) -> dict[str, int]:
        row = valid_data(reference="R-1", **identity)
        return situations_import_apply(
            actor=steward, organisation=organisation, rows=[row]
        ).counts()

    assert apply(**IDENTITY) == {"created": 0, "updated": 0, "unchanged": 1}
    empty = {"identity_encoding": "", "identity_version": "", "identity_key_id": ""}
    assert apply(**empty) == {"created": 0, "updated": 0, "unchanged": 1}
    assert _stored(situation)[0] == blob_before
    changed = {**IDENTITY, "identity_encoding": OTHER_ENCODING}
    assert apply(**changed) == {"created": 0, "updated": 1, "unchanged": 0}
    assert stored_encoding(situation) == OTHER_ENCODING
    event = AuditEvent.objects.filter(action="situation.import").latest("seq")
    assert event.details["fields"] == {"identity_encoding": 1}


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("ENCODINGS_KEY", "c2hvcnQ=", "BALISE_ENCODINGS_KEY must hold 32 bytes (AES-256)"),
        ("ENCODINGS_KEY", "not base64!", "BALISE_ENCODINGS_KEY must be base64"),
        ("NOTES_KEY", "c2hvcnQ=", "BALISE_NOTES_KEY must hold 32 bytes (AES-256)"),
    ],
)
def test_it_reports_a_malformed_key_when_the_site_starts(
    settings: LazySettings, setting: str, value: str, message: str
) -> None:
    assert check_encryption_keys() == []
    setattr(settings, setting, value)
    assert [error.msg for error in check_encryption_keys()] == [message]

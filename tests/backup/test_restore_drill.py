"""The restore drill: record data, back up, wipe, restore, then check that everything is back.

Runs on SQLite (the online backup API) and on PostgreSQL (pg_dump/pg_restore of an exported
snapshot) — `make test` runs the suite on both.
"""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from balise.accounts.models import Authenticator
from balise.audit.services import chain_head
from balise.backup.services import (
    FILE_ROOTS,
    MANIFEST,
    BackupError,
    backup_create,
    backup_restore,
)
from balise.situations.models import Situation
from balise.situations.services import situation_note
from tests.accounts.helpers import authenticator
from tests.conftest import Personas
from tests.situations.conftest import VALID_ENCODING, VALID_KEY_ID, VALID_VERSION, valid_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "postgresql" and shutil.which("pg_dump") is None,
        reason="pg_dump/pg_restore are not installed",
    ),
]

NOTE = "Suivie par le SAJ depuis mars; la tante est le contact."


def _record(personas: Personas) -> Situation:
    from balise.situations.services import situation_create

    identity = {
        "identity_encoding": VALID_ENCODING,
        "identity_version": VALID_VERSION,
        "identity_key_id": VALID_KEY_ID,
    }
    situation = situation_create(
        actor=personas.recorder_a,
        organisation=personas.org_a,
        data=valid_data(note=NOTE, **identity),
    )
    situation_create(
        actor=personas.recorder_b,
        organisation=personas.org_b,
        data=valid_data(reference="B-1"),
    )
    authenticator(personas.recorder_a)
    return situation


@pytest.fixture
def media(settings: LazySettings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = settings.MEDIA_ROOT / "imports" / "2026" / "file.csv"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"record_id,balise_encoding\n1,AAAA\n")
    settings.BALISE_PUBLICATIONS_DIR = tmp_path / "publications"
    pdf = settings.BALISE_PUBLICATIONS_DIR / "ab" / "0f3c.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.7 a publication")
    return Path(settings.MEDIA_ROOT)


def _wipe(media: Path) -> None:
    call_command("flush", "--no-input", verbosity=0)  # Balise's flush lifts the audit triggers
    shutil.rmtree(media)
    shutil.rmtree(media.with_name("publications"))
    assert not Situation.objects.exists()


def test_it_restores_everything_after_the_data_is_wiped(
    personas: Personas, media: Path, tmp_path: Path
) -> None:
    situation = _record(personas)
    head = chain_head()
    out = StringIO()
    call_command("backup", "create", "--output", str(tmp_path / "backup"), stdout=out)
    assert f"audit head {head}" in out.getvalue()
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    assert manifest["rows"]["situations_situation"] == 2
    assert manifest["audit_head"] == str(head)

    _wipe(media)
    out = StringIO()
    call_command("backup", "restore", str(tmp_path / "backup"), "--yes", stdout=out)
    assert "audit chain OK" in out.getvalue()
    assert "BALISE_NOTES_KEY, BALISE_ENCODINGS_KEY, BALISE_MFA_KEY" in out.getvalue()

    # The chain reaches the head recorded before the backup, unchanged.
    verified = StringIO()
    call_command("audit", "verify", "--expect-head", str(head), stdout=verified)
    assert f"head {head}" in verified.getvalue()
    restored = Situation.objects.get(pk=situation.pk)
    assert situation_note(actor=personas.recorder_a, situation=restored) == NOTE
    assert Situation.objects.count() == 2
    assert Authenticator.objects.get(user=personas.recorder_a).bin_key
    assert (media / "imports" / "2026" / "file.csv").read_bytes().startswith(b"record_id")
    assert (media.with_name("publications") / "ab" / "0f3c.pdf").read_bytes().startswith(b"%PDF")
    assert "2 files" in out.getvalue()


def test_it_backs_up_every_folder_of_files_the_settings_name(settings: LazySettings) -> None:
    # A new folder of files outside the database (a BALISE_*_DIR setting) must join the backup.
    folders = {
        name
        for name in dir(settings)
        if name.startswith("BALISE_") and name.endswith("_DIR") and name != "BALISE_VAR_DIR"
    }
    assert folders <= set(FILE_ROOTS.values()), "add it to balise.backup.services.FILE_ROOTS"


def test_it_keeps_the_keys_out_of_the_backup(
    personas: Personas, media: Path, tmp_path: Path, settings: LazySettings
) -> None:
    _record(personas)
    manifest = backup_create(output=tmp_path / "backup")
    assert "BALISE_NOTES_KEY" in manifest["keys_not_included"]
    keys = [settings.SECRET_KEY, settings.AUDIT_CHAIN_KEY, settings.NOTES_KEY]
    keys += [settings.MFA_SEED_KEY, settings.ENCODINGS_KEY]
    for file in (tmp_path / "backup").rglob("*"):
        if file.is_file():
            content = file.read_bytes()
            for key in keys:
                assert key.encode() not in content, f"a key is in {file.name}"


def test_it_refuses_a_damaged_backup_before_touching_anything(
    personas: Personas, media: Path, tmp_path: Path
) -> None:
    _record(personas)
    manifest = backup_create(output=tmp_path / "backup")
    database = tmp_path / "backup" / manifest["database"]["file"]
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_restore(source=tmp_path / "backup")
    assert Situation.objects.count() == 2  # untouched


def test_it_says_which_key_is_not_the_backed_up_servers(
    personas: Personas, media: Path, tmp_path: Path, settings: LazySettings
) -> None:
    _record(personas)
    backup_create(output=tmp_path / "backup")
    settings.NOTES_KEY = "YW5vdGhlci1zZXJ2ZXJzLW5vdGVzLWtleS0zMmJ5dGU="
    with pytest.raises(BackupError, match="BALISE_NOTES_KEY"):
        backup_restore(source=tmp_path / "backup")


def test_it_needs_a_confirmation_and_a_new_folder(
    personas: Personas, media: Path, tmp_path: Path
) -> None:
    backup_create(output=tmp_path / "backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("backup", "restore", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", "create", "--output", str(tmp_path / "backup"))

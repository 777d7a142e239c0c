"""Backups that restore: a consistent copy of the database and the uploaded files, a manifest.

``backup_create`` writes into an empty folder:

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the app runs) or
  ``database.dump`` (``pg_dump --format=custom`` inside an exported snapshot);
- ``media/``, ``publications/``: the files kept outside the database (``FILE_ROOTS``);
- ``manifest.json``: SHA-256 and size of every file, the row count of every table and the audit
  chain head, all read in the same snapshot as the copy, and the keys the copy needs.

The keys are never in a backup (docs/deployment.md): a restore needs the same keys in the
environment. ``backup_restore`` checks every checksum before touching anything, replaces the
database and the files, then proves the result: every table has its row count, the audit chain
verifies up to the recorded head, and a sealed note, encoding and TOTP seed open with the keys
the server has.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from balise import __version__
from balise.audit.models import AuditEvent
from balise.audit.services import GENESIS_HASH, ChainHead, verify_chain

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
# Folders of files kept outside the database, by their name in a backup and their setting.
FILE_ROOTS = {"media": "MEDIA_ROOT", "publications": "BALISE_PUBLICATIONS_DIR"}
# Settings whose values a restore needs and a backup never holds.
KEYS = (
    "SECRET_KEY",
    "BALISE_AUDIT_KEY",
    "BALISE_NOTES_KEY",
    "BALISE_MFA_KEY",
    "BALISE_ENCODINGS_KEY",
)
_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreReport:
    rows: dict[str, int]
    audit_head: str
    audit_checked: int
    keys_checked: list[str] = field(default_factory=list)
    files: int = 0


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> list[str]:
    """Every table of the project's models (many-to-many tables included), sorted."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    tables.add(MigrationRecorder.Migration._meta.db_table)
    return sorted(tables)


def _counts(count: Callable[[str], int]) -> dict[str, int]:
    return {table: count(table) for table in _tables()}


def _count_with(cursor: Any) -> Callable[[str], int]:
    def count(table: str) -> int:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names come from the models
        return int(cursor.fetchone()[0])

    return count


def _head_with(cursor: Any) -> str:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    cursor.execute(f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1")  # noqa: S608 - our own table
    row = cursor.fetchone()
    return str(ChainHead(int(row[0]), str(row[1])) if row else ChainHead(0, GENESIS_HASH))


def _file_roots() -> dict[str, Path]:
    return {
        name: Path(getattr(settings, setting))
        for name, setting in FILE_ROOTS.items()
        if getattr(settings, setting, None)
    }


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


# --- PostgreSQL client programs -------------------------------------------------------------------


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    return env, args


def _pg_program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client programs "
            "(Debian: postgresql-client, the server's major version or newer)"
        )
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed programs, our arguments
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


# --- backup ---------------------------------------------------------------------------------------


def backup_create(*, output: Path) -> dict[str, Any]:
    """Write a backup into ``output`` (new or empty); return the manifest."""
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty: give a new folder for each backup")
    output.mkdir(parents=True, exist_ok=True)
    os.chmod(output, 0o700)  # it holds every situation (sealed) and the audit log
    vendor = connection.vendor
    if vendor == "sqlite":
        rows, head = _sqlite_copy(output / SQLITE_FILE)
        database = SQLITE_FILE
    elif vendor == "postgresql":
        rows, head = _postgres_dump(output / POSTGRES_FILE)
        database = POSTGRES_FILE
    else:  # pragma: no cover - Balise runs on these two
        raise BackupError(f"no backup for the {vendor} database")
    for name, root in _file_roots().items():
        for source in _files(root):
            target = output / name / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    files = [
        {"path": str(p.relative_to(output)), "bytes": p.stat().st_size, "sha256": sha256_of(p)}
        for p in sorted(output.rglob("*"))
        if p.is_file()
    ]
    manifest = {
        "format": FORMAT,
        "balise_version": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "file": database},
        "audit_head": head,
        "rows": rows,
        "migrations": _latest_migrations(),
        "files": files,
        "keys_not_included": list(KEYS),
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _sqlite_copy(target: Path) -> tuple[dict[str, int], str]:
    """SQLite's online backup (consistent even while others write), counted in the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        return _counts(_count_with(cursor)), _head_with(cursor)
    finally:
        copy.close()


def _postgres_dump(target: Path) -> tuple[dict[str, int], str]:
    """pg_dump of a snapshot exported by our own transaction, so the counts and head read in it
    describe exactly what the dump holds, however many writes happen meanwhile."""
    program = _pg_program("pg_dump")
    env, args = _pg_env_and_args()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        rows = _counts(_count_with(cursor))
        head = _head_with(cursor)
        _run(
            [
                program,
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
                *args,
            ],
            env,
        )
    return rows, head


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


# --- restore --------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, Any]:
    """The manifest, after checking every listed file against its size and checksum."""
    path = source / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    problems = []
    for entry in manifest["files"]:
        file = source / entry["path"]
        if not file.is_file():
            problems.append(f"{entry['path']} is missing")
        elif file.stat().st_size != entry["bytes"] or sha256_of(file) != entry["sha256"]:
            problems.append(f"{entry['path']} does not match its checksum")
    if problems:
        raise BackupError("the backup is damaged: " + "; ".join(problems))
    return manifest


def backup_restore(*, source: Path) -> RestoreReport:
    """Replace the database and the uploaded files with a backup's; verify the result.

    The web app and the worker must be stopped (they would write meanwhile). The keys in the
    environment must be those of the backed-up server: the checks at the end say which is wrong.
    """
    manifest = read_manifest(source)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"this backup is of a {vendor} database; the configured one is {connection.vendor}"
        )
    database = source / manifest["database"]["file"]
    if vendor == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()
    else:
        connection.close()
        env, args = _pg_env_and_args()
        _run(
            [
                _pg_program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(database),
            ],
            env,
        )
    restored_files = 0
    for name, root in _file_roots().items():
        if root.exists():
            shutil.rmtree(root)
        for file in _files(source / name):
            target = root / file.relative_to(source / name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, target)
            restored_files += 1
    return _verify(manifest, restored_files)


def _verify(manifest: dict[str, Any], files: int) -> RestoreReport:
    with connection.cursor() as cursor:
        rows = _counts(_count_with(cursor))
    expected: dict[str, int] = manifest["rows"]
    differ = [
        f"{table}: {rows.get(table)} rows, the backup had {count}"
        for table, count in sorted(expected.items())
        if rows.get(table) != count
    ]
    if differ:
        raise BackupError("the restored database differs from the backup: " + "; ".join(differ))
    head = ChainHead.parse(manifest["audit_head"])
    result = verify_chain(expect_head=head if head.seq else None)
    if not result.ok:
        raise BackupError(
            f"the audit chain does not verify at event #{result.first_broken_seq}: "
            f"{result.reason} (is BALISE_AUDIT_KEY the backed-up server's?)"
        )
    return RestoreReport(
        rows=rows,
        audit_head=str(result.head),
        audit_checked=result.checked,
        keys_checked=check_keys(),
        files=files,
    )


def check_keys() -> list[str]:
    """Open one sealed value of each kind with the server's keys; the keys that did."""
    from balise.accounts.models import Authenticator
    from balise.accounts.seeds import SeedIntegrityError
    from balise.situations.encodings import EncodingIntegrityError, open_situation
    from balise.situations.models import Situation
    from balise.situations.notes import NoteIntegrityError, decrypt_note

    checked = []
    noted = Situation.objects.filter(note_ciphertext__isnull=False).order_by("pk").first()
    if noted is not None:
        try:
            decrypt_note(
                bytes(noted.note_ciphertext or b""),
                organisation_id=noted.organisation_id,
                situation_id=noted.pk,
            )
        except NoteIntegrityError as exc:
            raise BackupError(
                f"notes do not open: is BALISE_NOTES_KEY the backed-up server's? ({exc})"
            ) from exc
        checked.append("BALISE_NOTES_KEY")
    encoded = Situation.objects.filter(identity_ciphertext__isnull=False).order_by("pk").first()
    if encoded is not None:
        try:
            open_situation(encoded)
        except EncodingIntegrityError as exc:
            raise BackupError(f"identity encodings do not open ({exc})") from exc
        checked.append("BALISE_ENCODINGS_KEY")
    device = Authenticator.objects.order_by("pk").first()
    if device is not None:
        try:
            device.bin_key  # noqa: B018 - opening the seed is the check
        except SeedIntegrityError as exc:
            raise BackupError(
                f"TOTP seeds do not open: is BALISE_MFA_KEY the backed-up server's? ({exc})"
            ) from exc
        checked.append("BALISE_MFA_KEY")
    return checked

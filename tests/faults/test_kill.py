"""kill -9 in the middle of writing: nothing half-written, and the work can be done again.

A child process (tests/faults/paused_child.py) runs a real import against the test database and
stops inside the import's transaction once every row is written; the test waits for its marker
file (a state, not a delay), kills it with SIGKILL, and looks at what the database kept. Runs on
SQLite (a file copied from the test database) and on PostgreSQL (the test database itself).
"""

from __future__ import annotations

import base64
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from balise.audit.models import AuditEvent
from balise.jobs.models import Job
from balise.situations.models import Situation
from tests.conftest import Personas

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ROWS = 300
ENC = base64.b64encode(bytes(range(128))).decode()
HEADER = (
    "record_id,balise_encoding,balise_version,balise_key_id,detection_month,arrondissement,"
    "age_years,gender,citizenship_group,unaccompanied,forms,recruitment_channels,places,status,"
    "note"
)
DEADLINE_SECONDS = 120  # a bound on a hung child, not a timing assumption


def _file(tmp_path: Path) -> Path:
    rows = [
        f"K-{i:04d},{ENC},1,0123456789abcdef,2025-03,21000,15,girl,belgian,no,"
        f"csam,social_networks,hotel,presumed,note {i}"
        for i in range(ROWS)
    ]
    path = tmp_path / "situations.csv"
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _children_var_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BALISE_VAR_DIR", str(tmp_path / "var"))


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A URL for child processes to reach the data this test committed."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        # The test database lives in memory: the children get a file copy, and the test reads
        # the file back through the same URL.
        path = tmp_path / "balise.sqlite3"
        copy = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(copy)
        copy.close()
        yield f"sqlite:///{path}"
    else:
        password = f":{quote(str(db['PASSWORD']))}" if db.get("PASSWORD") else ""
        yield f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=url,
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        DJANGO_SETTINGS_MODULE="balise.settings",
        BALISE_JOBS_RUNNER="worker",
    )
    env.pop("BALISE_JOBS_SYNC", None)
    return env


def _kill_when_paused(marker: Path, url: str, *args: str) -> int:
    """Start the paused child, wait for its marker, SIGKILL it; the rows it saw in its
    transaction."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.paused_child", str(marker), "--", *args],
        env=_env(url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        started = time.monotonic()
        while not marker.exists():
            if child.poll() is not None:
                out, err = child.communicate()
                pytest.fail(f"the child ended before the pause: {out!r} {err!r}")
            assert time.monotonic() - started < DEADLINE_SECONDS, "the child never paused"
            time.sleep(0.05)
        seen = int(marker.read_text())
        child.send_signal(signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return seen


def _count(url: str, sql: str) -> int:
    """Read what another process would see (the SQLite file, or a committed PostgreSQL row)."""
    if url.startswith("sqlite:///"):
        database = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            return int(database.execute(sql).fetchone()[0])
        finally:
            database.close()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])


def _run_child(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "balise.cli.main", *args],
        env=_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


SITUATIONS = f"SELECT COUNT(*) FROM {Situation._meta.db_table}"  # noqa: S608 - our table


def test_it_writes_nothing_when_an_import_is_killed_mid_write(
    personas: Personas, tmp_path: Path, database_url: str
) -> None:
    csv = _file(tmp_path)
    before = _count(database_url, SITUATIONS)
    events = _count(database_url, f"SELECT COUNT(*) FROM {AuditEvent._meta.db_table}")  # noqa: S608
    args = ["situations", "import", "--organisation", str(personas.org_a.pk)]
    args += ["--as", personas.steward_a.email, "--no-progress", str(csv)]
    seen = _kill_when_paused(tmp_path / "paused", database_url, *args)
    assert seen == before + ROWS  # killed with every row written, uncommitted

    assert _count(database_url, SITUATIONS) == before  # all or nothing: nothing
    assert _count(database_url, f"SELECT COUNT(*) FROM {AuditEvent._meta.db_table}") == events  # noqa: S608
    # After the "restart", the same file imports completely, once, and the chain verifies.
    again = _run_child(database_url, *args)
    assert again.returncode == 0, again.stderr
    assert f"Imported {ROWS} rows: {ROWS} created" in again.stdout
    assert _count(database_url, SITUATIONS) == before + ROWS
    verified = _run_child(database_url, "audit", "verify")
    assert verified.returncode == 0, verified.stderr


def _queue_import(url: str, csv: Path, owner_email: str, *, then_work: bool = False) -> int:
    """Queue an import job as the upload page does, in the database the children use (and,
    with ``then_work``, run the queue in that same new process, as a restarted worker)."""
    code = (
        "from balise.accounts.models import User\n"
        "from balise.jobs.services import job_enqueue\n"
        "from balise.situations.importing import import_job\n"
        "from django.utils import translation\n"
        "translation.activate('nl')\n"  # the owner works in Dutch
        f"owner = User.objects.get(email={owner_email!r})\n"
        f"payload = open({str(csv)!r}, 'rb').read()\n"
        "job = job_enqueue(handler=import_job, owner=owner, params={'mode': 'apply'},"
        " payload=payload, start=False)\n"
        "print(f'job={job.pk}')\n"
    )
    if then_work:
        code += "from django.core.management import call_command\n"
        code += "call_command('jobs', 'work', '--once')\n"
    result = _run_child(url, "shell", "--no-startup", "--no-imports", "--command", code)
    assert result.returncode == 0, result.stderr
    return int(re.findall(r"^job=(\d+)$", result.stdout, re.MULTILINE)[0])


def _value(url: str, sql: str) -> str:
    if url.startswith("sqlite:///"):
        database = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return str(database.execute(sql).fetchone()[0])
        finally:
            database.close()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return str(cursor.fetchone()[0])


def test_it_reaps_an_import_job_killed_with_its_worker_and_runs_it_again(
    personas: Personas, tmp_path: Path, database_url: str
) -> None:
    csv = _file(tmp_path)
    job_id = _queue_import(database_url, csv, personas.steward_a.email)
    seen = _kill_when_paused(tmp_path / "paused", database_url, "jobs", "work", "--once")
    assert seen == ROWS  # the worker was killed with every row written, uncommitted
    job = f"SELECT {{}} FROM {Job._meta.db_table} WHERE id = {job_id}"  # noqa: S608 - our table
    assert _value(database_url, job.format("status")) == "running"  # as the dead worker left it
    assert _count(database_url, SITUATIONS) == 0

    # The restart: housekeeping reaps the job and its owner reads why; started again, it runs.
    reaped = _run_child(database_url, "jobs", "reap", "--minutes", "0")
    assert "1 stale job(s) failed" in reaped.stdout, reaped.stderr
    assert _value(database_url, job.format("status")) == "failed"
    with translation.override("nl"):  # the owner's language, not the server's
        told = gettext("The job was interrupted (the server restarted). Please start it again.")
    assert _value(database_url, job.format("error")) == told
    assert told != "The job was interrupted (the server restarted). Please start it again."
    _queue_import(database_url, csv, personas.steward_a.email, then_work=True)
    assert _count(database_url, SITUATIONS) == ROWS
    succeeded = f"SELECT COUNT(*) FROM {Job._meta.db_table} WHERE status = 'succeeded'"  # noqa: S608
    assert _count(database_url, succeeded) == 1

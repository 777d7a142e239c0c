"""The production deployment as shipped: compose.yaml, Dockerfile, systemd units, gunicorn config.

Nothing here builds an image or starts a service (no registry, no systemd in CI): the files are
parsed and every command they run is checked against the commands that exist.
"""

from __future__ import annotations

import base64
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import get_commands, load_command_class
from django.db import connection

from balise import gunicorn_conf

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
VENV_BIN = "/opt/balise/.venv/bin/"

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="independent of the database; runs on SQLite"
)


def _compose() -> Any:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _check_balise_command(argv: list[str]) -> None:
    """``balise NAME ARGS``: NAME is a server-side command and ARGS parse."""
    assert argv[0] == "balise", argv
    name, *rest = argv[1:]
    commands = get_commands()
    assert name in commands, f"`balise {name}` does not exist"
    command = load_command_class(commands[name], name)
    parser = command.create_parser("balise", name)
    parser.parse_args(rest)  # exits (SystemExit) on an unknown subcommand or option


def _check_gunicorn_command(argv: list[str]) -> None:
    assert argv[0] == "gunicorn", argv
    assert argv[1:] == ["--config", "python:balise.gunicorn_conf", "balise.wsgi"], argv


def _unit(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) in order; systemd allows repeated keys (several ExecStart)."""
    entries = []
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


# --- compose.yaml -------------------------------------------------------------------------------


def test_it_runs_postgresql_web_worker_and_migrations_in_compose() -> None:
    services = _compose()["services"]
    assert {"db", "migrate", "web", "worker", "housekeeping"} <= set(services)
    assert re.fullmatch(r"postgres:(1[5-9]|[2-9]\d)(\.\d+)?", services["db"]["image"])
    _check_gunicorn_command(services["web"]["command"])
    _check_balise_command(services["worker"]["command"])
    assert services["worker"]["command"] == ["balise", "jobs", "work"]
    _check_balise_command(services["migrate"]["command"])
    for name in ("web", "worker", "housekeeping"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    # Only the reverse proxy on the host reaches gunicorn.
    assert all(port.startswith("127.0.0.1:") for port in services["web"]["ports"])
    assert "ports" not in services["db"]


def test_it_runs_the_housekeeping_commands_that_exist() -> None:
    script = _compose()["services"]["housekeeping"]["command"][-1]
    calls = [part.strip() for part in re.split(r";|\bdo\b|\bdone\b", script)]
    balise_calls = [shlex.split(call) for call in calls if call.startswith("balise ")]
    assert len(balise_calls) == 3
    for argv in balise_calls:
        _check_balise_command(argv)


def test_it_takes_every_key_from_a_secret_file_in_compose() -> None:
    compose = _compose()
    defined = compose["secrets"]
    for service in compose["services"].values():
        environment = service.get("environment", {})
        mounted = set(service.get("secrets", []))
        assert mounted <= set(defined)
        for key, value in environment.items():
            assert key not in {
                "SECRET_KEY",
                "BALISE_AUDIT_KEY",
                "BALISE_NOTES_KEY",
                "BALISE_MFA_KEY",
                "BALISE_ENCODINGS_KEY",
                "DATABASE_URL",
                "EMAIL_HOST_PASSWORD",
                "POSTGRES_PASSWORD",
            }, f"{key} must come from a secret file, not the compose file"
            if key.endswith("_FILE"):
                secret = str(value).removeprefix("/run/secrets/")
                assert secret in mounted, f"{key} reads {value}, not mounted in this service"
    for name, spec in defined.items():
        assert spec["file"] == f"./secrets/{name}"
    assert compose["services"]["web"]["environment"]["BALISE_ENV"] == "production"


def test_it_makes_every_secret_compose_reads(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    script = ROOT / "deploy" / "make-secrets.sh"
    subprocess.run(["sh", str(script), str(folder)], check=True, capture_output=True)
    defined = set(_compose()["secrets"])
    assert {p.name for p in folder.iterdir()} == defined
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("notes_key", "mfa_key", "encodings_key"):
        assert len(base64.b64decode((folder / name).read_text(), validate=True)) == 32
    password = (folder / "db_password").read_text()
    assert (folder / "database_url").read_text() == f"postgres://balise:{password}@db:5432/balise"
    before = {p.name: p.read_text() for p in folder.iterdir()}
    again = subprocess.run(["sh", str(script), str(folder)], check=True, capture_output=True)
    assert {p.name: p.read_text() for p in folder.iterdir()} == before  # never replaced
    assert b"kept" in again.stdout


# --- Dockerfile ---------------------------------------------------------------------------------


def _dockerfile() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            instructions.append((word.upper(), rest.strip()))
    return instructions


def test_it_builds_a_non_root_image_with_static_files_translations_and_pdf_libraries() -> None:
    instructions = _dockerfile()
    froms = [rest for word, rest in instructions if word == "FROM"]
    assert froms
    assert all(rest.startswith("python:3.11-slim") for rest in froms)
    runs = " ".join(rest for word, rest in instructions if word == "RUN")
    needed_packages = (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "fonts-dejavu-core",
        "gettext",
        "postgresql-client",  # balise backup
    )
    for needed in needed_packages:
        assert needed in runs
    assert "-c requirements.lock" in runs  # the pinned versions
    assert "compilemessages" in runs
    assert "balise collectstatic --no-input" in runs
    assert "python -m balise.linkage.warm" in runs
    users = [rest for word, rest in instructions if word == "USER"]
    assert users
    assert users[-1] not in {"root", "0"}
    last_user = max(i for i, (word, _) in enumerate(instructions) if word == "USER")
    warm = next(i for i, (w, r) in enumerate(instructions) if "balise.linkage.warm" in r)
    assert warm > last_user  # the cache belongs to the user who runs the app
    cmd = next(rest for word, rest in reversed(instructions) if word == "CMD")
    _check_gunicorn_command(yaml.safe_load(cmd))
    assert any(word == "HEALTHCHECK" and "/healthz" in rest for word, rest in instructions)
    env = " ".join(rest for word, rest in instructions if word == "ENV")
    assert "BALISE_ENV=production" in env
    assert "BALISE_STATIC_ROOT=" in env  # outside the var/ volume, which would hide it


def test_it_leaves_keys_and_local_state_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".git", ".venv", "var"):
        assert path in ignored
    text = (ROOT / "Dockerfile").read_text()
    assert "COPY secrets" not in text
    assert "/run/secrets" not in text


# --- systemd ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    ["balise-web.service", "balise-worker.service", "balise-housekeeping.service"],
)
def test_it_starts_commands_that_exist_from_the_systemd_units(unit: str) -> None:
    entries = _unit(SYSTEMD / unit)
    service = {key: value for section, key, value in entries if section == "Service"}
    assert service["User"] == "balise"
    assert service["EnvironmentFile"] == "/etc/balise/balise.env"
    commands = [
        value
        for section, key, value in entries
        if section == "Service" and key in {"ExecStart", "ExecStartPre"}
    ]
    assert commands
    for command in commands:
        argv = shlex.split(command)
        assert argv[0].startswith(VENV_BIN), argv
        argv[0] = argv[0].removeprefix(VENV_BIN)
        if argv[0] == "gunicorn":
            _check_gunicorn_command(argv)
        else:
            _check_balise_command(argv)


def test_it_runs_the_worker_and_the_web_app_as_separate_units() -> None:
    def exec_start(unit: str) -> list[str]:
        return [v for s, k, v in _unit(SYSTEMD / unit) if k == "ExecStart"]

    assert exec_start("balise-worker.service") == [f"{VENV_BIN}balise jobs work"]
    assert "gunicorn" in exec_start("balise-web.service")[0]
    timer = {k: v for s, k, v in _unit(SYSTEMD / "balise-housekeeping.timer")}
    assert timer["OnCalendar"] == "hourly"
    env = (SYSTEMD / "balise.env.example").read_text()
    assert "BALISE_JOBS_RUNNER=worker" in env
    assert "BALISE_ENV=production" in env


# --- gunicorn -----------------------------------------------------------------------------------


def test_it_configures_several_workers_and_a_timeout_above_the_slowest_page() -> None:
    assert gunicorn_conf.default_workers(2) == 5
    assert gunicorn_conf.default_workers(1) == 3
    assert gunicorn_conf.default_workers(64) == 9  # memory bound: each worker holds numba, SciPy
    assert gunicorn_conf.timeout >= 30
    assert gunicorn_conf.control_socket_disable is True


def test_it_trusts_the_same_forwarded_header_as_django() -> None:
    # Django (production) reads HTTP_X_FORWARDED_PROTO == "https"; gunicorn the same header only.
    assert gunicorn_conf.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    settings_text = (ROOT / "src" / "balise" / "settings.py").read_text()
    assert 'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")' in settings_text


@pytest.mark.parametrize(
    ("env", "warned"),
    [
        ({"BALISE_ENV": "production", "BALISE_PROXY_COUNT": "1"}, []),
        ({"BALISE_ENV": "production"}, ["BALISE_PROXY_COUNT is 0"]),
        ({"BALISE_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "*"}, ["FORWARDED_ALLOW_IPS='*'"]),
        (
            {"BALISE_PROXY_COUNT": "1", "BALISE_BIND": "0.0.0.0:8000"},
            ["trusts forwarded headers from 127.0.0.1"],
        ),
        (
            {
                "BALISE_PROXY_COUNT": "1",
                "BALISE_BIND": "0.0.0.0:8000",
                "FORWARDED_ALLOW_IPS": "172.30.0.1",
            },
            [],
        ),
        ({}, []),  # development: nothing to say
    ],
)
def test_it_warns_when_the_proxy_settings_disagree(env: dict[str, str], warned: list[str]) -> None:
    messages = gunicorn_conf.proxy_warnings(env)
    assert len(messages) == len(warned)
    for message, expected in zip(messages, warned, strict=True):
        assert expected in message


def test_it_loads_the_gunicorn_config_and_the_app() -> None:
    env = {**os.environ, "BALISE_WEB_WORKERS": "2", "PYTHONPATH": str(ROOT / "src")}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--check-config", *gunicorn_command_args()],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def gunicorn_command_args() -> list[str]:
    return ["--config", "python:balise.gunicorn_conf", "balise.wsgi"]

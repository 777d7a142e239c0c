"""Production settings fail closed and pass Django's deployment checks with no warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "BALISE_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-production-test-key-with-enough-entropy-0123456789",
    "BALISE_AUDIT_KEY": "audit-key-for-the-deploy-check",
    "BALISE_NOTES_KEY": "bm90ZXMta2V5LWZvci10aGUtZGVwbG95LWNoZWNrISE=",
    "BALISE_MFA_KEY": "bWZhLXNlZWQta2V5LWZvci10aGUtZGVwbG95LWNoayE=",
    "BALISE_ENCODINGS_KEY": "ZW5jb2RpbmdzLWtleS1mb3ItdGhlLWRlcGxveS1jaGs=",
    "ALLOWED_HOSTS": "balise.example.org",
    "DATABASE_URL": "",
}

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="independent of the database; runs on SQLite"
)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only the production environment under test: nothing a test fixture or shell set before
    # (DEBUG, DJANGO_ALLOW_ASYNC_UNSAFE for Playwright, ...) may leak into the check.
    leaky = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "BALISE_DEMO", "BALISE_REQUIRE_MFA"}
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in leaky}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_it_passes_the_deploy_check_with_no_warning() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "BALISE_AUDIT_KEY",
        "BALISE_NOTES_KEY",
        "BALISE_MFA_KEY",
        "BALISE_ENCODINGS_KEY",
    ],
)
def test_it_refuses_to_start_without_a_secret(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} (or {missing}_FILE) must be set" in result.stderr


def test_it_keeps_debug_off_and_cookies_host_only_in_production() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)"
    )
    result = _manage("shell", "-v", "0", "-c", code, env={**PRODUCTION_ENV, "DEBUG": "1"})
    assert result.stdout.strip().splitlines()[-1] == (
        "False __Host-balise-session __Host-balise-csrf True"
    ), result.stderr


def test_it_refuses_to_start_with_the_demo_switch_in_production() -> None:
    result = _manage("check", env={**PRODUCTION_ENV, "BALISE_DEMO": "1"})
    assert result.returncode != 0
    assert "BALISE_DEMO=1 cannot be used with BALISE_ENV=production" in result.stderr


def test_it_refuses_to_load_the_demo_against_production_settings() -> None:
    result = _manage("demo", "--situations", "0", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "balise demo only runs with demo settings" in result.stderr


def test_it_turns_mfa_off_with_the_demo_switch_alone() -> None:
    code = "from django.conf import settings as s; print(s.DEMO, s.REQUIRE_MFA)"
    development = {"BALISE_ENV": "development", "DATABASE_URL": ""}
    demo = _manage("shell", "-v", "0", "-c", code, env={**development, "BALISE_DEMO": "1"})
    assert demo.stdout.strip().splitlines()[-1] == "True False", demo.stderr
    plain = _manage("shell", "-v", "0", "-c", code, env=development)
    assert plain.stdout.strip().splitlines()[-1] == "False True", plain.stderr

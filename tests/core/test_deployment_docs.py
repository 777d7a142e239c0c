"""docs/deployment.md documents every environment variable the settings and gunicorn read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
READERS = [ROOT / "src" / "balise" / "settings.py", ROOT / "src" / "balise" / "gunicorn_conf.py"]
# env_str("NAME"...), env_secret("NAME"...), os.environ.get("NAME"), os.getenv("NAME")
_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list|secret)|os\.environ\.get|os\.getenv|os\.environ\.setdefault)"""
    r"""\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="independent of the database; runs on SQLite"
)


def _documented() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]*)`", (ROOT / "docs" / "deployment.md").read_text()))


def test_it_finds_the_variables_the_settings_read() -> None:
    read = {name for path in READERS for name in _READ.findall(path.read_text())}
    # The reader itself must keep seeing them: a refactoring of the helpers would empty this.
    assert {"SECRET_KEY", "DATABASE_URL", "BALISE_PROXY_COUNT", "EMAIL_HOST"} <= read
    assert len(read) >= 40


def test_it_documents_every_variable_read_by_the_settings() -> None:
    read = {name for path in READERS for name in _READ.findall(path.read_text())}
    missing = sorted(read - _documented())
    assert not missing, f"not in docs/deployment.md: {', '.join(missing)}"


def test_it_documents_every_variable_the_shipped_configurations_set() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    names = set(compose["x-balise"]["environment"])
    env_file = (ROOT / "deploy" / "systemd" / "balise.env.example").read_text()
    names |= {line.split("=", 1)[0] for line in env_file.splitlines() if "=" in line}
    names = {name.removesuffix("_FILE") for name in names}
    missing = sorted(names - _documented())
    assert not missing, f"not in docs/deployment.md: {', '.join(missing)}"

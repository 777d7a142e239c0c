"""The organisation-side commands run as a subprocess, as an organisation runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from balise.linkage.secret import NetworkSecret


def balise(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "balise.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "network.secret"
    path.write_text(NetworkSecret(bytes(range(7, 39))).dumps(), "utf-8")
    return path

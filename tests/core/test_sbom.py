"""docs/sbom.cdx.json (CycloneDX, written by `make sbom` from requirements.lock) lists exactly the
pinned dependencies: a pin added or changed without regenerating it fails here, offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="independent of the database; runs on SQLite"
)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_it_lists_every_pinned_dependency_in_the_sbom() -> None:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[_normalise(name.split("[", 1)[0])] = version.strip()
    sbom = json.loads((ROOT / "docs" / "sbom.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    listed = {_normalise(c["name"]): c["version"] for c in sbom["components"]}
    assert listed == pins, "requirements.lock changed: run `make sbom` and commit the SBOM"
    for component in sbom["components"]:
        assert (
            component["purl"] == f"pkg:pypi/{_normalise(component['name'])}@{component['version']}"
        )

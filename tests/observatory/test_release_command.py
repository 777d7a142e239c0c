from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from balise.observatory.models import Release
from tests.conftest import Personas
from tests.observatory.conftest import Network

PROJECT = Path(__file__).resolve().parents[2]


def _check_contract(document: dict[str, object]) -> None:
    assert set(document) == {"release", "tables"}
    tables = document["tables"]
    assert isinstance(tables, list)
    assert tables
    for table in tables:
        assert set(table) == {"name", "unit", "dimensions", "cells"}
        assert table["unit"] in ("children", "situations")
        expected = 1
        for dimension in table["dimensions"]:
            codes = {cell[dimension] for cell in table["cells"]}
            assert "*" in codes
            expected *= len(codes)
        assert len(table["cells"]) == expected  # every cell and every margin
        for cell in table["cells"]:
            assert set(cell) == {*table["dimensions"], "value"}
            assert cell["value"] is None or isinstance(cell["value"], int)


def test_it_builds_a_would_be_release(
    linked: Network, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "release.json"
    call_command("release", "build", "--period", "2025", "--output", str(output))
    document = json.loads(output.read_text())
    _check_contract(document)
    assert document["release"]["period"] == 2025
    assert document["release"]["audit"]["passed"] is True
    names = [t["name"] for t in document["tables"]]
    assert "eurostat_thb" in names
    assert "children_by_gender_age" in names
    eurostat = next(t for t in document["tables"] if t["name"] == "eurostat_thb")
    assert eurostat["dimensions"] == ["sex", "age", "citizenship", "eurostat_form"]
    sectors = next(t for t in document["tables"] if t["name"] == "situations_by_sector")
    # Police 4 situations, youth aid 2: both below the threshold of 10, so both withheld.
    values = {cell["sector"]: cell["value"] for cell in sectors["cells"]}
    assert values["police"] is None
    assert values["youth_aid"] is None
    assert values["health"] == 0  # a structural zero tells nothing about a child
    assert "built (not published)" in capsys.readouterr().out
    assert not Release.objects.exists()


def test_it_refuses_bad_years_and_missing_data(db: None, tmp_path: Path) -> None:
    output = tmp_path / "x.json"
    with pytest.raises(CommandError, match="no situation is recorded") as no_data:
        call_command("release", "build", "--period", "2025", "--output", str(output))
    assert no_data.value.returncode == 2
    with pytest.raises(CommandError, match="YYYY") as bad:
        call_command("release", "build", "--period", "25", "--output", str(output))
    assert bad.value.returncode == 2
    assert not output.exists()


def test_it_refuses_a_year_without_situations(linked: Network, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no situation was detected in 2023") as empty:
        call_command("release", "build", "--period", "2023", "--output", str(tmp_path / "x.json"))
    assert empty.value.returncode == 2
    with pytest.raises(CommandError, match="2000 to"):
        call_command("release", "build", "--period", "1999", "--output", str(tmp_path / "x.json"))


def test_it_exports_only_published_releases(personas: Personas, tmp_path: Path) -> None:
    draft = Release.objects.create(title="Draft", period=2025, drafted_by=personas.analyst)
    with pytest.raises(CommandError, match="is a draft") as refused:
        call_command("release", "export", str(draft.pk), "--output", str(tmp_path / "d.json"))
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="no release 999"):
        call_command("release", "export", "999", "--output", str(tmp_path / "d.json"))
    content = {"release": {"title": "Published"}, "tables": []}
    Release.objects.create(
        title="Published",
        period=2024,
        drafted_by=personas.analyst,
        status=Release.Status.PUBLISHED,
        content=content,
    )
    published = Release.objects.get(title="Published")
    output = tmp_path / "p.json"
    call_command("release", "export", str(published.pk), "--output", str(output))
    assert json.loads(output.read_text()) == content


def test_it_runs_as_the_balise_console_script(tmp_path: Path) -> None:
    """The installed `balise` command, on its own SQLite database: demo, then a release build."""
    env = {
        **os.environ,
        "BALISE_VAR_DIR": str(tmp_path),
        "BALISE_SQLITE_PATH": str(tmp_path / "cli.sqlite3"),
        "BALISE_DEMO": "1",
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "balise.settings",
    }
    balise = str(Path(sys.executable).with_name("balise"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [balise, *args], env=env, capture_output=True, text=True, timeout=240, check=False
        )

    assert run("migrate", "-v", "0").returncode == 0
    bad = run("release", "build", "--period", "1999", "--output", str(tmp_path / "bad.json"))
    assert bad.returncode == 2
    assert "2000" in bad.stderr
    demo = run("demo", "--situations", "120", "--seed", "3")
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "demo-network-secret").stat().st_mode & 0o777 == 0o600
    linked = run("linkage", "run", "--quality-children", "50", "--no-progress")
    assert linked.returncode == 0, linked.stderr
    assert "120 situations, 120 with an encoding" in linked.stdout
    year = str(timezone.localdate().year - 1)  # the demo spreads situations over the last 34 months
    built = run("release", "build", "--period", year, "--output", str(tmp_path / "r.json"))
    assert built.returncode == 0, built.stderr
    assert "built (not published)" in built.stdout
    _check_contract(json.loads((tmp_path / "r.json").read_text()))


def test_it_builds_a_would_be_release_with_differential_privacy(
    linked: Network, tmp_path: Path
) -> None:
    output = tmp_path / "dp.json"
    call_command(
        "release", "build", "--period", "2025", "--mode", "dp", "--epsilon", "0.5",
        "--output", str(output),
    )  # fmt: skip
    document = json.loads(output.read_text())
    _check_contract(document)
    privacy = document["release"]["privacy"]
    names = [t["name"] for t in document["tables"]]
    assert "children_by_sector" in names
    assert all(privacy["tables"][name]["epsilon"] == 0.5 for name in names)
    assert all(cell["value"] is not None for t in document["tables"] for cell in t["cells"])
    with pytest.raises(CommandError, match="budget") as refused:
        call_command(
            "release", "build", "--period", "2025", "--mode", "dp", "--epsilon", "1",
            "--budget", "2", "--output", str(tmp_path / "x.json"),
        )  # fmt: skip
    assert refused.value.returncode == 2


def test_it_builds_a_cell_key_release(
    linked: Network, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "cellkey.json"
    call_command(
        "release", "build", "--period", "2025", "--mode", "cellkey", "--output", str(output)
    )
    document = json.loads(output.read_text())
    perturbation = document["release"].pop("perturbation")
    _check_contract(document)
    assert all(isinstance(c["value"], int) for t in document["tables"] for c in t["cells"])
    assert perturbation["method"] == "cell key"
    assert document["release"]["audit"]["passed"] is True
    assert "cell-key perturbation (not published)" in capsys.readouterr().out
    assert not Release.objects.exists()

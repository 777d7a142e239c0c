"""`balise situations import`: same checks as the import pages, errors as a table, exit status 2."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from balise.audit.models import AuditEvent
from balise.situations.models import Situation
from tests.conftest import Personas

HEADER = "record_id;mois_detection;arrondissement;age;genre;nationalite;formes;statut"


def _row(reference: str, *, gender: str = "Fille", month: str = "03/2025") -> str:
    return f"{reference};{month};21000;15;{gender};non_eu;prostitution|csam;presumed"


def _file(folder: Path, *rows: str, header: str = HEADER) -> Path:
    path = folder / "situations.csv"
    path.write_bytes(("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode())
    return path


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("situations", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _as_steward(personas: Personas, path: Path, *extra: str) -> tuple[str, str]:
    return _run(
        "--organisation",
        str(personas.org_a.pk),
        "--as",
        personas.steward_a.email,
        *extra,
        str(path),
    )


def test_it_imports_a_file_and_prints_a_summary(personas: Personas, tmp_path: Path) -> None:
    out, err = _as_steward(personas, _file(tmp_path, _row("C1"), _row("C2")))
    assert "Imported 2 rows: 2 created, 0 updated, 0 unchanged." in out
    assert err == ""
    assert set(Situation.objects.values_list("reference", flat=True)) == {"C1", "C2"}
    event = AuditEvent.objects.get(action="situation.import")
    assert (event.actor_id, event.details["channel"], event.details["created"]) == (
        personas.steward_a.pk,
        "cli",
        2,
    )


def test_it_updates_and_counts_unchanged_rows(personas: Personas, tmp_path: Path) -> None:
    _as_steward(personas, _file(tmp_path, _row("U1"), _row("U2")))
    out, _err = _as_steward(personas, _file(tmp_path, _row("U1", gender="Garçon"), _row("U2")))
    assert "0 created, 1 updated, 1 unchanged" in out
    assert Situation.objects.get(reference="U1").gender == "boy"


def test_it_only_checks_with_dry_run(personas: Personas, tmp_path: Path) -> None:
    out, _err = _as_steward(personas, _file(tmp_path, _row("D1"), _row("D2")), "--dry-run")
    assert "2 to create, 0 to update, 0 unchanged. Nothing was written (dry run)." in out
    assert Situation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="situation.import").exists()


def test_it_prints_every_error_as_a_table_and_writes_nothing(
    personas: Personas, tmp_path: Path
) -> None:
    path = _file(tmp_path, _row("E1"), _row("E2", gender="martien"), _row("E3", month="13/2025"))
    with pytest.raises(CommandError) as refused:
        _as_steward(personas, path)
    assert refused.value.returncode == 2
    assert str(refused.value) == "2 problems; nothing was written."
    assert Situation.objects.count() == 0
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "situations",
            "import",
            "--organisation",
            personas.org_a.name,
            "--as",
            personas.steward_a.email,
            str(path),
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert lines[0].split() == ["Row", "Column", "Value", "Problem"]
    assert lines[2].split()[:3] == ["3", "genre", "martien"]
    assert lines[3].split()[:3] == ["4", "mois_detection", "13/2025"]
    event = AuditEvent.objects.filter(action="situation.import_refused").last()
    assert event is not None
    assert (event.details["channel"], event.details["errors"]) == ("cli", 2)


def test_it_refuses_a_name_column(personas: Personas, tmp_path: Path) -> None:
    path = _file(tmp_path, _row("N1") + ";Ana", header=HEADER + ";first_name")
    with pytest.raises(CommandError) as refused:
        _as_steward(personas, path)
    assert refused.value.returncode == 2
    event = AuditEvent.objects.get(action="security.identity_field_refused")
    assert event.details == {"fields": ["first_name"], "channel": "cli"}
    assert Situation.objects.count() == 0


def test_it_refuses_anyone_but_a_steward_of_the_organisation(
    personas: Personas, tmp_path: Path
) -> None:
    path = _file(tmp_path, _row("S1"))
    for email in (
        personas.recorder_a.email,
        personas.steward_b.email,
        personas.admin.email,
        "nobody@example.org",
    ):
        with pytest.raises(CommandError) as refused:
            _run("--organisation", str(personas.org_a.pk), "--as", email, str(path))
        assert refused.value.returncode == 1
        assert "Only a steward" in str(refused.value)
    assert Situation.objects.count() == 0


def test_it_names_an_unknown_organisation_or_file(personas: Personas, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No organisation") as refused:
        _run("--organisation", "Nowhere", "--as", personas.steward_a.email, "x.csv")
    assert refused.value.returncode == 1
    with pytest.raises(CommandError, match="cannot be read") as unreadable:
        _as_steward(personas, tmp_path / "missing.csv")
    assert unreadable.value.returncode == 1


def test_it_shows_a_progress_bar_for_large_files(personas: Personas, tmp_path: Path) -> None:
    path = _file(tmp_path, *[_row(f"P{n:04d}") for n in range(1000)])
    out, err = _as_steward(personas, path, "--dry-run")
    assert "1000 to create" in out
    assert "[##############################] 100% 1000/1000" in err
    _out, quiet = _as_steward(personas, path, "--dry-run", "--no-progress")
    assert quiet == ""
    _out, small = _as_steward(personas, _file(tmp_path, _row("P1")), "--dry-run")
    assert small == ""


def test_it_speaks_french_when_asked(personas: Personas, tmp_path: Path) -> None:
    out, _err = _as_steward(personas, _file(tmp_path, _row("F1")), "--language", "fr")
    assert "1 créée" in out or "1 créé" in out
    with pytest.raises(CommandError) as refused:
        _as_steward(personas, _file(tmp_path, _row("F2", gender="x")), "--language", "fr")
    assert "rien n’a été écrit" in str(refused.value)

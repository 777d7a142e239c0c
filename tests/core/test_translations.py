"""Every user-facing string is translated into French and Dutch (English is the msgid language).

Two checks per Django app: the committed catalogues have no empty or fuzzy entry, and they are up
to date — `makemessages` run on a copy of the app finds no msgid the catalogue lacks.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.db import connection

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "balise"
DJANGO_ADMIN = Path(sys.executable).with_name("django-admin")
LANGS = ("fr", "nl")
APPS = sorted(path.parent for path in PACKAGE.glob("*/apps.py"))

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="independent of the database; runs on SQLite"
)


def _missing(po: polib.POFile) -> list[str]:
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            missing.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif not entry.msgstr:
            missing.append(entry.msgid)
    return missing


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_it_translates_every_string(app: Path, tmp_path: Path) -> None:
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    fresh_locale = copy / "locale"
    shutil.rmtree(fresh_locale, ignore_errors=True)
    fresh_locale.mkdir()
    subprocess.run(
        [str(DJANGO_ADMIN), "makemessages", "-l", "fr", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = fresh_locale / "fr" / "LC_MESSAGES" / "django.po"
    needed = {e.msgid for e in polib.pofile(str(fresh))} if fresh.exists() else set()
    if not needed:
        return
    for lang in LANGS:
        catalogue = app / "locale" / lang / "LC_MESSAGES" / "django.po"
        assert catalogue.exists(), f"{app.name} has strings but no {lang} catalogue"
        po = polib.pofile(str(catalogue))
        assert not po.metadata_is_fuzzy, f"{catalogue} has a fuzzy header"
        known = {entry.msgid for entry in po if not entry.obsolete}
        stale = sorted(needed - known)
        assert not stale, f"{catalogue} lacks {stale[:10]} (run scripts/makemessages.sh)"
        assert not _missing(po), f"{catalogue} untranslated: {_missing(po)[:10]}"

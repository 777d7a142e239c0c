"""Django for a benchmark: settings, and a temporary folder for the SQLite file and var dir.

DATABASE_URL (as set by `scripts/with_postgres.py`) takes precedence over the SQLite file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def setup(prefix: str) -> None:
    """Configure and set up Django, writing to a new temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("BALISE_SQLITE_PATH", str(folder / "bench.sqlite3"))
    os.environ.setdefault("BALISE_VAR_DIR", str(folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balise.settings")
    import django

    django.setup()

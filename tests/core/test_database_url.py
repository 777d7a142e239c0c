"""DATABASE_URL accepts postgres://, postgresql:// and sqlite:///PATH, parsed by dj-database-url."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from balise.env import SQLITE_OPTIONS, database_from_url


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_it_reads_a_postgresql_url(scheme: str) -> None:
    config = database_from_url(
        f"{scheme}://balise:p%40ss@db.example.org:5433/balise?sslmode=require"
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("balise", "balise", "p@ss")
    assert (config["HOST"], str(config["PORT"])) == ("db.example.org", "5433")
    assert config["OPTIONS"] == {"sslmode": "require"}
    assert config["CONN_MAX_AGE"] == 60


def test_it_reads_a_sqlite_url_with_balises_options() -> None:
    absolute = database_from_url("sqlite:////srv/balise/balise.sqlite3")
    assert absolute["ENGINE"] == "django.db.backends.sqlite3"
    assert absolute["NAME"] == "/srv/balise/balise.sqlite3"
    assert absolute["OPTIONS"] == SQLITE_OPTIONS
    assert database_from_url("sqlite:///var/balise.sqlite3")["NAME"] == "var/balise.sqlite3"


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "redis://h:6379/0", "sqlite://"])
def test_it_refuses_other_databases(url: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url)

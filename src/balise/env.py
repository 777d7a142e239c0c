"""Typed helpers that read settings from the environment (secrets also from ``NAME_FILE``)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str | None = None) -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``; no default means required."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    value = os.environ.get(name)
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set")
    return default


# SQLite as Balise runs it: IMMEDIATE serialises writers up front (no lock upgrade deadlocks);
# WAL lets readers go on while one writer works.
SQLITE_OPTIONS: dict[str, object] = {
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    "timeout": 20,
}
_DATABASE_SCHEMES = {"postgres", "postgresql", "sqlite"}


def database_from_url(url: str) -> dict[str, object]:
    """Django DATABASES entry for ``postgres://``, ``postgresql://`` or ``sqlite:///PATH``.

    Parsed by dj-database-url, as Django users expect (``sqlite:///var/db.sqlite3`` is relative,
    ``sqlite:////srv/balise/db.sqlite3`` absolute; query parameters become OPTIONS); SQLite gets
    Balise's own options, PostgreSQL persistent connections.
    """
    scheme = urlparse(url).scheme
    if scheme not in _DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported "
            "(use postgres://, postgresql:// or sqlite:///PATH)"
        )
    parsed = dj_database_url.parse(url)
    options: dict[str, object] = dict(parsed.get("OPTIONS") or {})
    config: dict[str, object] = dict(parsed)
    if scheme == "sqlite":
        if config.get("NAME") in (None, "", ":memory:"):  # a server would lose everything
            raise ImproperlyConfigured("DATABASE_URL sqlite:///PATH needs a file path")
        config["OPTIONS"] = {**SQLITE_OPTIONS, **options}
    else:
        config["OPTIONS"] = options
        config["CONN_MAX_AGE"] = 60
    config["ATOMIC_REQUESTS"] = False
    return config

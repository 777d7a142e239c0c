"""Where publication files live: ``BALISE_PUBLICATIONS_DIR`` (under ``BALISE_VAR_DIR``), by
generated names, never the uploaded file's name, and never inside the database."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Final

from django.conf import settings

NAME_RE: Final = re.compile(r"^[0-9a-f]{32}\.(pdf|png)$")


def folder() -> Path:
    return Path(settings.BALISE_PUBLICATIONS_DIR)


def new_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


def path_of(name: str) -> Path:
    """The path of a stored file; refuses any name the app did not generate."""
    if not NAME_RE.fullmatch(name):
        raise ValueError("not a generated publication file name")
    return folder() / name


def write(name: str, content: bytes) -> Path:
    target = path_of(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".part")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(target)
    return target


def remove(*names: str) -> None:
    for name in names:
        if name:
            path_of(name).unlink(missing_ok=True)

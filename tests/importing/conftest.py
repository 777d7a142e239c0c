"""Fixtures for the import tests: corpus files and a runner that reports in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.utils import translation

from balise.accounts.models import User
from balise.situations.importing import run_import

CORPUS = Path(__file__).with_name("corpus")


@pytest.fixture(autouse=True)
def _jobs_inline(settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = True


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def run(content: bytes, steward: User, *, apply: bool = True) -> dict[str, Any]:
    assert steward.organisation is not None
    with translation.override("en"):
        return run_import(content, actor=steward, organisation=steward.organisation, apply=apply)


def problems(result: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["code"]) for e in result["errors"]]


def reasons(result: dict[str, Any]) -> list[str]:
    return [e["reason"] for e in result["errors"]]

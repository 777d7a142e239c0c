"""Fixtures of the detection tests."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps


@pytest.fixture
def seeded_guidance(db: None) -> None:
    """The rows of the seed migration, present even after a transactional test flushed them."""
    migration = importlib.import_module("balise.detection.migrations.0002_seed_guidance")
    migration.seed(apps, None)

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings


@pytest.fixture
def publication_dir(settings: LazySettings) -> Path:
    """The (temporary) folder of this test's publication files (tests/conftest.py sets it)."""
    return Path(settings.BALISE_PUBLICATIONS_DIR)

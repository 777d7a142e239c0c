"""System check: the dictionary's data files must load and validate before the site starts."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from balise.taxonomy.loader import DATA_DIR, available_versions, validate_version_dir


@register()
def check_dictionary(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(problem, id="balise.taxonomy.E001")
        for version in available_versions()
        for problem in validate_version_dir(DATA_DIR / f"v{version}")
    ]

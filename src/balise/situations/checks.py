"""System check: the keys that encrypt notes and identity encodings at rest are usable.

Presence is enforced by the settings in production; this catches a malformed value (not base64,
not 32 bytes) when the site starts, `manage.py check` runs or a migration runs, instead of at the
first write or linkage run.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from balise.situations import encodings, notes

    problems: list[CheckMessage] = []
    for number, load in enumerate((notes._key, encodings._keys), start=1):
        try:
            load()
        except ImproperlyConfigured as exc:
            problems.append(Error(str(exc), id=f"balise.situations.E00{number}"))
    return problems

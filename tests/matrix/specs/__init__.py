"""Access specs, one module per app; every module here is loaded and its SPECS merged.

A module defines ``SPECS: list[UrlSpec]`` and, while an app's URLs wait for their specs,
``PENDING: dict[str, str]`` (URL name -> why and who adds it). ``KNOWN_GAPS`` ("NAME METHOD" ->
reason) marks cells that fail today for a known reason; the matrix fails once they pass, so the
entry is removed with the fix. See docs/testing.md.
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.matrix.harness import UrlSpec


def load() -> tuple[dict[str, UrlSpec], dict[str, str], dict[str, str]]:
    specs: dict[str, UrlSpec] = {}
    pending: dict[str, str] = {}
    gaps: dict[str, str] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for spec in getattr(module, "SPECS", []):
            assert spec.name not in specs, f"{spec.name} has two specs"
            specs[spec.name] = spec
        for name, why in getattr(module, "PENDING", {}).items():
            assert name not in specs, f"{name} is both specified and pending"
            pending[name] = why
        gaps.update(getattr(module, "KNOWN_GAPS", {}))
    return specs, pending, gaps


SPECS, PENDING, KNOWN_GAPS = load()

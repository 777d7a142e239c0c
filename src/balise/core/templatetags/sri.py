"""Script tags with Subresource Integrity, computed from the static file itself.

``{% sri_script 'balise/js/x.js' %}`` renders ``<script type="module" src=... integrity=...>``;
``{% sri_modulepreload 'balise/js/y.js' %}`` renders ``<link rel="modulepreload" ...>`` so a module
that the page imports later is fetched once, checked against its hash, and reused from the
module map (a plain ``import`` carries no integrity of its own). The hash is cached per file and
recomputed when the file changes, so a development server never serves a stale one.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


class StaticFileMissing(LookupError):
    """The template names a static file that no finder or storage holds."""


def _locate(path: str) -> Path:
    found = finders.find(path)
    if isinstance(found, str):
        return Path(found)
    # Production without the source apps' folders: the collected copy is what is served.
    try:
        return Path(staticfiles_storage.path(path))
    except (ImproperlyConfigured, NotImplementedError, ValueError) as error:
        raise StaticFileMissing(path) from error


@lru_cache(maxsize=64)
def _digest(location: Path, mtime_ns: int, size: int) -> str:
    data = location.read_bytes()
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def integrity(path: str) -> str:
    """The ``sha384-...`` integrity value of a static file (cached until the file changes)."""
    location = _locate(path)
    try:
        stat = os.stat(location)
    except FileNotFoundError as error:
        raise StaticFileMissing(path) from error
    return _digest(location, stat.st_mtime_ns, stat.st_size)


@register.simple_tag
def sri_script(path: str, module: bool = True) -> SafeString:
    """A script element for a static file with its integrity (a module unless ``module=False``)."""
    if module:
        return format_html(
            '<script type="module" src="{}" integrity="{}" crossorigin="anonymous"></script>',
            static(path),
            integrity(path),
        )
    return format_html(
        '<script src="{}" integrity="{}" crossorigin="anonymous" defer></script>',
        static(path),
        integrity(path),
    )


@register.simple_tag
def sri_modulepreload(path: str, id: str = "") -> SafeString:
    """A modulepreload link with integrity; ``id`` lets a script find the module's URL."""
    if id:
        return format_html(
            '<link rel="modulepreload" id="{}" href="{}" integrity="{}" crossorigin="anonymous">',
            id,
            static(path),
            integrity(path),
        )
    return format_html(
        '<link rel="modulepreload" href="{}" integrity="{}" crossorigin="anonymous">',
        static(path),
        integrity(path),
    )

"""The public home page, the organisation's front door, assembled from the apps' sections.

``core`` sits below every app, so it does not import them: each app offers a section through a
function named in ``BALISE_HOME_SECTIONS`` (dotted paths, in page order) that takes the request
and returns a ``HomeSection`` (a template and its context), or ``None`` to show nothing. A
section reads only what the public may see (published releases, published publications, open
sessions, frozen reports).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


SectionProvider = Callable[[HttpRequest], HomeSection | None]


def home_sections(request: HttpRequest) -> list[HomeSection]:
    sections = []
    for path in settings.BALISE_HOME_SECTIONS:
        provider: SectionProvider = import_string(path)
        section = provider(request)
        if section is not None:
            sections.append(section)
    return sections

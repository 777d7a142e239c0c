"""Limits on the detection aid's PDF summary, which takes 1 to 5 seconds of CPU to draw.

Two bounds: per client (a sliding window of ``DETECTION_PDF_PER_HOUR`` PDFs an hour), and per
server process (at most ``DETECTION_PDF_CONCURRENCY`` drawn at once). The counts live in Django's
cache (``balise.core.ratelimit``), never in the database: anonymous use of the aid leaves no row.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest

from balise.core.ratelimit import allow, client_of

WINDOW_SECONDS = 60 * 60
_slots = threading.BoundedSemaphore(max(1, settings.DETECTION_PDF_CONCURRENCY))


def pdf_allowed(request: HttpRequest) -> bool:
    """Count one PDF for this client; False once it made its hourly number already."""
    return allow(
        "detection.pdf",
        client_of(request),
        limit=settings.DETECTION_PDF_PER_HOUR,
        window=WINDOW_SECONDS,
    )


@contextmanager
def pdf_slot() -> Iterator[bool]:
    """A drawing slot of this process, if one is free (never waits: the request is refused)."""
    acquired = _slots.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            _slots.release()

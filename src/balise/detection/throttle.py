"""Limits on the detection aid's PDF summary, which takes 1 to 5 seconds of CPU to draw.

Two bounds: per client (a sliding window of ``DETECTION_PDF_PER_HOUR`` PDFs an hour), and per
server process (at most ``DETECTION_PDF_CONCURRENCY`` drawn at once). The counts live in Django's
cache, never in the database: anonymous use of the aid leaves no row. The cache key is a keyed
hash of the client's address (or of the signed-in person's id), never the address itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 60 * 60
_KEY_SALT = "balise.detection.pdf_limit"
_slots = threading.BoundedSemaphore(max(1, settings.DETECTION_PDF_CONCURRENCY))


def _client_key(request: HttpRequest) -> str:
    """The cache key of this client: the signed-in person, else the address as the lockout sees
    it (``BALISE_PROXY_COUNT`` applies)."""
    if request.user.is_authenticated:
        client = f"user:{request.user.pk}"
    else:
        client = f"ip:{get_client_ip_address(request) or ''}"
    digest = salted_hmac(_KEY_SALT, client, algorithm="sha256").hexdigest()[:32]
    return f"balise:detection:pdf:{digest}"


def pdf_allowed(request: HttpRequest) -> bool:
    """Count one PDF for this client; False once it made its hourly number already."""
    key = _client_key(request)
    now = time.time()
    recent = [at for at in cache.get(key, []) if at > now - WINDOW_SECONDS]
    if len(recent) >= settings.DETECTION_PDF_PER_HOUR:
        return False
    recent.append(now)
    cache.set(key, recent, timeout=WINDOW_SECONDS)
    return True


@contextmanager
def pdf_slot() -> Iterator[bool]:
    """A drawing slot of this process, if one is free (never waits: the request is refused)."""
    acquired = _slots.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            _slots.release()

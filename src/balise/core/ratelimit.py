"""Sliding-window rate limits kept in Django's cache (never a database row), keyed by a keyed
hash of what is counted (a client address, an email address, a person's id) so that the cache
never holds the value itself. Used by the detection aid's PDF and the trainings' public forms.

The local memory cache counts per process; several server processes multiply the figures.
"""

from __future__ import annotations

import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def client_of(request: HttpRequest) -> str:
    """Who is counted: the signed-in person, else the address as the sign-in lockout sees it
    (``BALISE_PROXY_COUNT`` applies)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{get_client_ip_address(request) or ''}"


def _key(scope: str, subject: str) -> str:
    digest = salted_hmac(f"balise.ratelimit.{scope}", subject, algorithm="sha256").hexdigest()
    return f"balise:rl:{scope}:{digest[:32]}"


def allow(scope: str, subject: str, *, limit: int, window: int) -> bool:
    """Count one use of ``scope`` by ``subject``; False (nothing counted) once it made
    ``limit`` uses in the last ``window`` seconds."""
    key = _key(scope, subject)
    now = time.time()
    recent = [at for at in cache.get(key, []) if at > now - window]
    if len(recent) >= limit:
        return False
    recent.append(now)
    cache.set(key, recent, timeout=window)
    return True

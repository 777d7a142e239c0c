"""The client's address as the sign-in lockout and the PDF limit see it, behind N reverse proxies.

Each proxy appends the address it received the request from to ``X-Forwarded-For``, so behind
``BALISE_PROXY_COUNT`` proxies of ours the client is the N-th entry from the right; anything
further left was written by the client and is not trusted. Without proxies (the default) it is
the socket's address. django-axes reads it through ``AXES_CLIENT_IP_CALLABLE`` (without
django-ipware, axes would otherwise use the socket's address, the proxy's, for everybody).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "BALISE_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    # Fewer entries than proxies: the request did not come through all of them (or the count is
    # wrong); the socket's address is the only one not chosen by the client.
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    return candidate if _valid(candidate) else remote

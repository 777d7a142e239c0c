"""The client's address behind reverse proxies (BALISE_PROXY_COUNT) for the lockout and limits."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.test import Client, RequestFactory
from django.urls import reverse

from balise.core.client_ip import client_ip
from tests.accounts.helpers import sign_in_password
from tests.conftest import Personas

PROXY = "10.0.0.2"


def _address(settings: LazySettings, count: int, forwarded: str | None) -> str | None:
    settings.BALISE_PROXY_COUNT = count
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/")
    request.META.update(extra)
    return client_ip(request)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy declared: the header is the client's to write
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.66, 203.0.113.5", "203.0.113.5"),  # the client's own entry is ignored
        (2, "198.51.100.66, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),  # fewer hops than proxies: only the socket is trusted
        (1, None, PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_it_reads_the_client_behind_the_declared_proxies(
    settings: LazySettings, count: int, forwarded: str | None, expected: str
) -> None:
    assert _address(settings, count, forwarded) == expected


def test_it_locks_out_one_client_behind_a_proxy_not_everybody(
    settings: LazySettings, personas: Personas
) -> None:
    settings.BALISE_PROXY_COUNT = 1
    login = reverse("accounts:login")
    # Both come through the same proxy (one socket address); the proxy names each client.
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.10")
    for i in range(5):
        attacker.post(login, {"username": f"guess{i}@example.org", "password": "wrong"})
    spoofing = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.10")
    response = spoofing.post(login, {"username": personas.recorder_a.email, "password": "x"})
    assert response.status_code == 429  # a forged leftmost entry does not make a new client
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert sign_in_password(colleague, personas.steward_a.email).startswith("/accounts/mfa/")

"""The PDF summary is rate-limited: a number per client an hour, a few drawn at once per process,
keyed on the address alone (not the browser name), with no database row and no address kept."""

from __future__ import annotations

import pytest
from django.conf import LazySettings
from django.core.cache import cache
from django.test import Client

from balise.detection import throttle
from tests.conftest import Personas, login_verified

URL = "/detection/summary.pdf"
ANSWERS = {"vulnerabilities": ["in_care"], "sign_running_away": "last_6_months"}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_guidance")]


def _post(client: Client) -> int:
    return client.post(URL, ANSWERS, headers={"accept-language": "en"}).status_code


def test_it_refuses_a_client_over_its_hourly_number(settings: LazySettings) -> None:
    settings.DETECTION_PDF_PER_HOUR = 2
    client = Client(REMOTE_ADDR="192.0.2.1")
    assert [_post(client), _post(client)] == [200, 200]
    response = client.post(URL, ANSWERS, headers={"accept-language": "en"})
    assert response.status_code == 429
    assert response["Retry-After"] == str(throttle.WINDOW_SECONDS)
    assert "print it from your browser" in response.content.decode()
    assert _post(Client(REMOTE_ADDR="192.0.2.2")) == 200  # another client is not held back


def test_it_keys_on_the_address_not_the_browser_name(settings: LazySettings) -> None:
    settings.DETECTION_PDF_PER_HOUR = 2
    codes = [_post(Client(REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT=f"ua {i}")) for i in range(3)]
    assert codes == [200, 200, 429]


def test_it_counts_a_signed_in_person_as_one_client(
    settings: LazySettings, personas: Personas
) -> None:
    settings.DETECTION_PDF_PER_HOUR = 1
    first = login_verified(Client(REMOTE_ADDR="192.0.2.1"), personas.recorder_a)
    second = login_verified(Client(REMOTE_ADDR="192.0.2.2"), personas.recorder_a)
    assert [_post(first), _post(second)] == [200, 429]


def test_it_refuses_when_every_drawing_slot_is_taken(settings: LazySettings) -> None:
    taken = 0
    while throttle._slots.acquire(blocking=False):
        taken += 1
    try:
        response = Client().post(URL, ANSWERS, headers={"accept-language": "en"})
    finally:
        for _ in range(taken):
            throttle._slots.release()
    assert taken == settings.DETECTION_PDF_CONCURRENCY
    assert response.status_code == 429
    assert response["Retry-After"] == "10"
    assert _post(Client()) == 200  # the slots are back


def test_it_keeps_no_address_in_the_cache() -> None:
    assert _post(Client(REMOTE_ADDR="192.0.2.77")) == 200
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # LocMemCache internals
    assert keys
    assert not any("192.0.2.77" in str(key) for key in keys)

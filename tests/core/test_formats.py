"""Dates shown to people in the Belgian order and the Brussels time, in every language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import formats, timezone, translation

from balise.accounts.models import User
from balise.audit.services import record_event
from tests.conftest import Personas

SignIn = Callable[[User], Client]


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_it_writes_dates_in_the_belgian_order(language: str) -> None:
    day = dt.date(2026, 12, 10)
    moment = dt.datetime(2026, 12, 10, 14, 30, tzinfo=dt.UTC)
    with translation.override(language), timezone.override("Europe/Brussels"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "10/12/2026"
        local = timezone.localtime(moment)
        assert formats.date_format(local, "SHORT_DATETIME_FORMAT") == "10/12/2026 15:30"


def test_it_shows_the_audit_log_in_brussels_time(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.admin)
    event = record_event("demo.loaded", actor=personas.admin, object_type="network")
    html = client.get("/audit/").content.decode()
    brussels = event.created_at.astimezone(ZoneInfo("Europe/Brussels"))
    assert brussels.strftime("%d/%m/%Y %H:%M:%S") in html
    assert event.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S") not in html

"""Session rules: idle timeout, absolute lifetime, sign out, sign out everywhere, disabled users."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import LazySettings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balise.accounts import services
from balise.accounts.middleware import AUTH_STARTED_AT
from tests.accounts.helpers import events
from tests.conftest import Personas, login_verified

ACCOUNT = reverse("accounts:account")


def _signed_out(client: Client) -> bool:
    response = client.get(ACCOUNT)
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_it_gives_sessions_a_thirty_minute_idle_timeout(
    client: Client, personas: Personas, settings: LazySettings
) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    login_verified(client, personas.recorder_a)
    assert client.get(ACCOUNT).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date - timezone.now() <= timedelta(minutes=30)
    # Thirty idle minutes later the stored session has expired.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert _signed_out(client)


def test_it_renews_the_idle_deadline_on_each_request(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    key = client.session.session_key
    soon = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(pk=key).update(expire_date=soon)
    assert client.get(ACCOUNT).status_code == 200
    assert Session.objects.get(pk=key).expire_date > soon + timedelta(minutes=25)


def test_it_ends_a_session_twelve_hours_after_sign_in(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    session = client.session
    session[AUTH_STARTED_AT] = int(time.time()) - 12 * 3600 + 60
    session.save()
    assert client.get(ACCOUNT).status_code == 200  # a minute before the limit
    session = client.session
    session[AUTH_STARTED_AT] = int(time.time()) - 12 * 3600 - 1
    session.save()
    assert _signed_out(client)
    assert events("auth.session_expired")[0].details == {"rule": "absolute"}


def test_it_kills_the_session_at_sign_out(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    old_key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(pk=old_key).exists()
    # Replaying the old cookie opens nothing.
    replay = Client()
    replay.cookies["balise-session"] = str(old_key)
    assert _signed_out(replay)
    assert len(events("auth.logout")) == 1


def test_it_signs_out_every_client_at_once(personas: Personas) -> None:
    user = personas.recorder_a
    laptop = login_verified(Client(), user)
    phone = login_verified(Client(), user)
    assert phone.get(ACCOUNT).status_code == 200
    response = laptop.post(reverse("accounts:logout_everywhere"))
    assert response["Location"] == reverse("accounts:login")
    assert _signed_out(phone)
    assert _signed_out(laptop)
    user.refresh_from_db()
    assert user.session_epoch == 1
    assert len(events("auth.logout_everywhere")) == 1


def test_it_leaves_other_people_signed_in(personas: Personas) -> None:
    colleague = login_verified(Client(), personas.steward_a)
    services.user_logout_everywhere(user=personas.recorder_a)
    assert colleague.get(ACCOUNT).status_code == 200


def test_it_ends_the_sessions_of_a_disabled_user(personas: Personas) -> None:
    client = login_verified(Client(), personas.recorder_a)
    assert client.get(ACCOUNT).status_code == 200
    personas.recorder_a.is_active = False
    personas.recorder_a.save(update_fields=["is_active"])
    assert _signed_out(client)


def test_it_refuses_sign_out_by_get(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("accounts:logout_everywhere")).status_code == 405
    assert client.get(ACCOUNT).status_code == 200

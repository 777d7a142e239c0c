"""The demo banner says where the mails the demo "sends" land (files in var/mail)."""

from __future__ import annotations

from django.conf import LazySettings
from django.test import Client


def test_it_says_where_demo_mails_land(client: Client, db: None, settings: LazySettings) -> None:
    settings.DEMO = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = "/srv/balise/var/mail"
    html = client.get("/").content.decode()
    assert "demo-banner" in html
    assert "/srv/balise/var/mail" in html


def test_it_says_nothing_of_mails_outside_the_demo(
    client: Client, db: None, settings: LazySettings
) -> None:
    settings.DEMO = False
    settings.EMAIL_FILE_PATH = "/srv/balise/var/mail"
    assert "/srv/balise/var/mail" not in client.get("/").content.decode()

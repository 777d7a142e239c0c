"""Subscribers made the way people make them: subscribe, then confirm through the mailed link."""

from __future__ import annotations

import re

from django.core import mail

from balise.publications.models import Subscriber
from balise.publications.newsletter import subscription_confirm, subscription_request

BASE_URL = "http://testserver/"
LINK = re.compile(r"http://testserver(/newsletter/confirm/[^/\s]+/)")


def confirm_path(email: str) -> str:
    """The confirmation link of the last confirmation mail sent to ``email``."""
    sent = [m for m in mail.outbox if m.to == [email]]
    assert sent, f"no mail to {email}"
    found = LINK.search(str(sent[-1].body))
    assert found is not None
    return found.group(1)


def subscribed(email: str, language: str = "fr") -> Subscriber:
    subscription_request(email=email, language=language, base_url=BASE_URL)
    token = confirm_path(email).rstrip("/").rsplit("/", 1)[1]
    return subscription_confirm(token=token)

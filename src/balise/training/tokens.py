"""Signed, expiring links for people without an account (django.core.signing, one salt per
purpose so that a link made for one thing never opens another).

A token carries the registration's id and its random ``secret``: erasing the registration (or
its data) makes every link to it stop working. The expiry is checked from the signature's own
timestamp (``max_age``); what the link may still do is checked again by the service (a deadline,
an offer's end).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Final

from django.core import signing

from balise.training.models import Registration


class Purpose(StrEnum):
    CONFIRM = "confirm"  # confirm the email address
    MANAGE = "manage"  # the personal page: view, cancel, leave the waitlist, take an offer
    EVALUATE = "evaluate"  # the evaluation form after the session


MAX_AGE: Final = {
    Purpose.CONFIRM: timedelta(hours=72),
    Purpose.MANAGE: timedelta(days=400),
    Purpose.EVALUATE: timedelta(days=60),
}


class LinkInvalid(Exception):
    """The link is tampered with, expired, or names a registration that no longer exists."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _salt(purpose: Purpose) -> str:
    return f"balise.training.{purpose.value}"


def make_token(registration: Registration, purpose: Purpose) -> str:
    return signing.dumps({"r": registration.pk, "k": registration.secret}, salt=_salt(purpose))


def read_token(token: str, purpose: Purpose) -> Registration:
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=MAX_AGE[purpose])
    except signing.SignatureExpired:
        raise LinkInvalid(expired=True) from None
    except signing.BadSignature:
        raise LinkInvalid(expired=False) from None
    pk, secret = (payload.get("r"), payload.get("k")) if isinstance(payload, dict) else (0, "")
    if not isinstance(pk, int) or not isinstance(secret, str):
        raise LinkInvalid(expired=False)
    registration = (
        Registration.objects.select_related("session__course")
        .filter(pk=pk, secret=secret, erased_at__isnull=True)
        .first()
    )
    if registration is None:
        raise LinkInvalid(expired=False)
    return registration

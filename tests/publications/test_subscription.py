"""Subscribing: a confirmation mail with a signed link valid 7 days, confirmed by a button (a
POST), proof of consent kept; expired, altered and replaced links refused; no probing; the
suppression list is never bypassed silently."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from balise.audit.models import AuditEvent
from balise.mail.services import mail_suppress
from balise.publications.models import Consent, Subscriber, Suppression
from balise.publications.newsletter import (
    CONSENT_TEXT_VERSION,
    bounce,
    subscribers_import,
    unsubscribe,
)
from tests.publications.newsletter_helpers import confirm_path, subscribed

EN = {"accept-language": "en"}


def _subscribe(client: Client, email: str, language: str = "nl") -> str:
    response = client.post(
        reverse("newsletter:subscribe"), {"email": email, "language": language}, headers=EN
    )
    assert response.status_code == 200
    return response.content.decode()


def test_it_confirms_through_a_button_on_the_linked_page(client: Client, db: None) -> None:
    page = _subscribe(client, "Reader@Example.org")

    assert "Check your mailbox" in page
    [sent] = mail.outbox
    assert sent.to == ["reader@example.org"]
    assert sent.subject == "Bevestig uw inschrijving op de nieuwsbrief van Balise"
    path = confirm_path("reader@example.org")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING

    # Opening the link (what a mail scanner does) confirms nothing.
    opened = client.get(path, headers=EN)
    assert opened.status_code == 200
    assert "Confirm my subscription" in opened.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    confirmed = client.post(path, headers=EN)
    assert confirmed.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.language == "nl"
    consents = list(subscriber.consents.values_list("event", "form", "text_version", "language"))
    assert consents == [
        ("requested", "newsletter:subscribe", CONSENT_TEXT_VERSION, "nl"),
        ("confirmed", "newsletter:subscribe", CONSENT_TEXT_VERSION, "nl"),
    ]
    assert subscriber.confirmed_at is not None
    assert AuditEvent.objects.filter(
        action="newsletter.subscription_confirmed", object_id=str(subscriber.pk)
    ).exists()


def test_it_refuses_an_expired_link(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()

    class Past:
        @staticmethod
        def time() -> float:
            return eight_days_ago

    with monkeypatch.context() as patch:
        patch.setattr(signing, "time", Past)
        _subscribe(client, "late@example.org")
    path = confirm_path("late@example.org")

    for response in (client.get(path, headers=EN), client.post(path, headers=EN)):
        assert response.status_code == 400
        assert "has expired" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_it_accepts_a_six_day_old_link(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    six_days_ago = time.time() - timedelta(days=6).total_seconds()

    class Past:
        @staticmethod
        def time() -> float:
            return six_days_ago

    with monkeypatch.context() as patch:
        patch.setattr(signing, "time", Past)
        _subscribe(client, "slow@example.org")

    assert client.post(confirm_path("slow@example.org")).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature altered
        lambda token: signing.dumps({"s": 1, "n": "guess"}, salt="another salt"),
        lambda token: "not-a-token",
    ],
    ids=["altered", "other-salt", "garbage"],
)
def test_it_refuses_a_tampered_link(client: Client, db: None, tamper: object) -> None:
    _subscribe(client, "someone@example.org")
    token = confirm_path("someone@example.org").rstrip("/").rsplit("/", 1)[1]
    bad = tamper(token)  # type: ignore[operator]

    response = client.post(reverse("newsletter:confirm", args=[bad]), headers=EN)

    assert response.status_code == 400
    assert "is not valid" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_it_answers_the_same_page_for_a_confirmed_address(client: Client, db: None) -> None:
    subscribed("member@example.org", "fr")
    mail.outbox.clear()

    again = _subscribe(client, "member@example.org", "en")
    fresh = _subscribe(client, "new@example.org", "en")

    def main(html: str) -> str:
        return html[html.index("<main") : html.index("</main>")]

    assert main(again) == main(fresh)
    assert [m.to for m in mail.outbox] == [["new@example.org"]]  # nothing tells the member
    assert Subscriber.objects.get(email="member@example.org").language == "fr"


def test_it_does_not_resend_within_minutes(client: Client, db: None) -> None:
    _subscribe(client, "twice@example.org")
    _subscribe(client, "twice@example.org")
    assert len(mail.outbox) == 1


def test_it_keeps_an_unsubscribed_address_suppressed_until_its_owner_confirms(
    client: Client, db: None
) -> None:
    member = subscribed("gone@example.org")
    unsubscribe(token=member.unsubscribe_token, form="test")
    assert Suppression.objects.filter(reason="unsubscribed").count() == 1

    # A later import does not bring it back.
    result = subscribers_import(
        actor=None, rows=[("GONE@example.org", "fr")], form="import", text_version="old"
    )
    assert result.suppressed == ("gone@example.org",)
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

    # A new subscription stays pending until the owner confirms again; only then is it lifted.
    _subscribe(client, "gone@example.org")
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert Suppression.objects.exists()
    client.post(confirm_path("gone@example.org"))
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert not Suppression.objects.exists()
    event = AuditEvent.objects.filter(action="newsletter.subscription_confirmed").last()
    assert event is not None
    assert event.details["suppression_lifted"] is True


def test_it_never_mails_a_bounced_address(client: Client, db: None) -> None:
    mail_suppress(email="dead@example.org", reason="bounce")
    page = _subscribe(client, "dead@example.org")
    assert "Check your mailbox" in page
    assert mail.outbox == []

    bounce(email="member@example.org", status="5.1.1")
    result = subscribers_import(
        actor=None, rows=[("member@example.org", "nl")], form="import", text_version="v"
    )
    assert result.added == 0
    assert result.suppressed == ("member@example.org",)


def test_it_refuses_a_link_replaced_by_a_newer_one(client: Client, db: None) -> None:
    _subscribe(client, "again@example.org")
    first = confirm_path("again@example.org")
    Consent.objects.update(at=Consent.objects.get().at - timedelta(hours=1))
    _subscribe(client, "again@example.org")
    second = confirm_path("again@example.org")
    assert first != second

    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 200

"""Unsubscribing: RFC 8058 one-click by a POST with no cookie, no login and no CSRF token (200 even
for unknown tokens), and the visible footer link through a page with a button."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from balise.audit.models import AuditEvent
from balise.publications.models import Consent, Subscriber, Suppression
from tests.publications.newsletter_helpers import subscribed

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def test_it_unsubscribes_in_one_click_without_a_session(db: None) -> None:
    member = subscribed("reader@example.org")
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("newsletter:unsubscribe", args=[member.unsubscribe_token]), ONE_CLICK
    )

    assert response.status_code == 200
    assert not response.cookies.get("balise-session")
    member.refresh_from_db()
    assert member.status == Subscriber.Status.UNSUBSCRIBED
    assert member.left_at is not None
    withdrawn = Consent.objects.get(event=Consent.Event.WITHDRAWN)
    assert withdrawn.form == "list-unsubscribe"
    assert Suppression.objects.get().reason == Suppression.Reason.UNSUBSCRIBED
    assert AuditEvent.objects.filter(action="newsletter.unsubscribed").count() == 1

    # Again: still 200, nothing new.
    assert (
        client.post(
            reverse("newsletter:unsubscribe", args=[member.unsubscribe_token]), ONE_CLICK
        ).status_code
        == 200
    )
    assert AuditEvent.objects.filter(action="newsletter.unsubscribed").count() == 1


def test_it_answers_200_for_an_unknown_token(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    known = client.post(reverse("newsletter:unsubscribe", args=["nobody"]), ONE_CLICK)
    assert known.status_code == 200
    assert not Suppression.objects.exists()


def test_it_unsubscribes_through_the_footer_link_page(db: None) -> None:
    member = subscribed("footer@example.org")
    client = Client(enforce_csrf_checks=True)
    url = reverse("newsletter:unsubscribe", args=[member.unsubscribe_token])

    page = client.get(url, headers={"accept-language": "en"})
    assert page.status_code == 200
    assert f'<form method="post" action="{url}">' in page.content.decode()
    member.refresh_from_db()
    assert member.status == Subscriber.Status.CONFIRMED  # opening the page changes nothing

    assert client.post(url).status_code == 200
    member.refresh_from_db()
    assert member.status == Subscriber.Status.UNSUBSCRIBED
    assert Consent.objects.get(event=Consent.Event.WITHDRAWN).form == "unsubscribe-page"

"""The newsletter through a real SMTP server (aiosmtpd): the confirmation mail and an issue
arrive with both parts and the RFC 8058 headers, and their links work."""

from __future__ import annotations

import re

import pytest
from django.conf import LazySettings
from django.test import Client

from balise.publications.models import Subscriber
from balise.publications.newsletter import issue_create, issue_send
from tests.conftest import Personas, SmtpServer
from tests.publications.newsletter_helpers import BASE_URL


@pytest.fixture(autouse=True)
def _jobs_inline(settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = True


def _path(url: str) -> str:
    assert url.startswith("http://testserver/")
    return url.removeprefix("http://testserver")


def test_it_delivers_and_the_links_work(smtp_server: SmtpServer, personas: Personas) -> None:
    client = Client()
    client.post("/newsletter/", {"email": "lezer@example.org", "language": "nl"})

    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "lezer@example.org"
    text = confirmation.get_body(preferencelist=("plain",))
    html = confirmation.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    link = re.search(r"http://testserver/newsletter/confirm/\S+/", text.get_content())
    assert link is not None
    assert f'href="{link.group(0)}"' in html.get_content()
    assert client.post(_path(link.group(0))).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    issue = issue_create(actor=personas.editor, language="nl", subject="Nieuws", body="**Hallo**")
    issue_send(actor=personas.editor, issue=issue, base_url=BASE_URL)

    received = smtp_server.messages[-1]
    assert received["Subject"] == "Nieuws"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A long header is folded onto a continuation line; unfolded, it starts with that space.
    header = re.fullmatch(
        r"<(http://testserver/newsletter/unsubscribe/[^>]+/)>", received["List-Unsubscribe"].strip()
    )
    assert header is not None
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert "Hallo" in text.get_content()
    assert header.group(1) in text.get_content()
    assert "<strong>Hallo</strong>" in html.get_content()
    assert f'href="{header.group(1)}"' in html.get_content()

    # What a mailbox provider does on "unsubscribe": a POST, no cookie, no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    answer = provider.post(_path(header.group(1)), {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED

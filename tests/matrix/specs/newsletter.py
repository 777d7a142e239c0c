"""Access specs of the newsletter: public subscription, confirmation and one-click unsubscribe;
editors write and send issues and look after the subscribers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.publications.models import Subscriber
from balise.publications.newsletter import (
    confirmation_token,
    issue_create,
    subscription_request,
)
from tests.conftest import Personas
from tests.matrix.harness import EDITORS, EVERYONE, UrlSpec
from tests.publications.newsletter_helpers import BASE_URL

ISSUE = {"language": "fr", "subject": "Nouvelles", "body": "Bonjour **à tous**."}


def _pending(p: Personas) -> Subscriber:
    subscription_request(email="matrix@example.org", language="fr", base_url=BASE_URL)
    return Subscriber.objects.get(email="matrix@example.org")


def _issue(p: Personas) -> Mapping[str, Any]:
    return {"pk": issue_create(actor=p.editor, **ISSUE).pk}


SPECS = [
    UrlSpec(
        "newsletter:subscribe",
        {"GET": EVERYONE, "POST": EVERYONE},
        data=lambda p: {"email": "reader@example.org", "language": "nl"},
    ),
    UrlSpec(
        "newsletter:confirm",
        {"GET": EVERYONE, "POST": EVERYONE},
        kwargs=lambda p: {"token": confirmation_token(_pending(p))},
    ),
    UrlSpec(
        "newsletter:unsubscribe",
        {"GET": EVERYONE, "POST": EVERYONE},
        kwargs=lambda p: {"token": _pending(p).unsubscribe_token},
        data=lambda p: {"List-Unsubscribe": "One-Click"},
    ),
    UrlSpec("newsletter:issues", {"GET": EDITORS}),
    UrlSpec("newsletter:issue_create", {"GET": EDITORS, "POST": EDITORS}, data=lambda p: ISSUE),
    UrlSpec("newsletter:issue_detail", {"GET": EDITORS}, kwargs=_issue),
    UrlSpec(
        "newsletter:issue_edit",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=_issue,
        data=lambda p: ISSUE,
    ),
    UrlSpec("newsletter:issue_test", {"POST": EDITORS}, kwargs=_issue),
    UrlSpec("newsletter:issue_send", {"POST": EDITORS}, kwargs=_issue),
    UrlSpec("newsletter:subscribers", {"GET": EDITORS}),
    UrlSpec("newsletter:subscribers_export", {"GET": EDITORS}, kwargs=lambda p: {"fmt": "csv"}),
    UrlSpec(
        "newsletter:subscriber_erase",
        {"POST": EDITORS},
        kwargs=lambda p: {"pk": _pending(p).pk},
    ),
]

"""Sending an issue: a background job queues one outbox mail per confirmed subscriber of the
issue's language, with RFC 8058 headers and both parts; stopped midway and started again, it
mails everyone exactly once; a test goes to the editor alone."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import pytest
from django.conf import LazySettings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balise.jobs.models import Job
from balise.mail.models import OutboundMail
from balise.mail.selectors import batch_counts
from balise.mail.services import mail_queue, mail_suppress
from balise.publications import newsletter
from balise.publications.models import Issue, Subscriber
from balise.publications.newsletter import issue_create, issue_send, unsubscribe
from balise.publications.selectors import newsletter_reach
from tests.conftest import Personas, login_verified
from tests.publications.newsletter_helpers import BASE_URL, subscribed

BODY = "# Nouvelles\n\nUne **nouvelle étude** est parue : [la lire](https://balise.example/p/1)."
UNSUBSCRIBE = re.compile(r"^<http://testserver(/newsletter/unsubscribe/[^/]+/)>$")


@pytest.fixture(autouse=True)
def _jobs_inline(settings: LazySettings) -> None:
    settings.BALISE_JOBS_SYNC = True


@pytest.fixture
def readers(db: None) -> list[Subscriber]:
    people = [subscribed(f"lecteur{n}@example.org", "fr") for n in range(5)]
    subscribed("lezer@example.org", "nl")
    pending = "pending@example.org"
    newsletter.subscription_request(email=pending, language="fr", base_url=BASE_URL)
    left = subscribed("parti@example.org", "fr")
    unsubscribe(token=left.unsubscribe_token, form="test")
    mail.outbox.clear()
    return people


def _issue(personas: Personas) -> Issue:
    return issue_create(
        actor=personas.editor, language="fr", subject="Balise — décembre", body=BODY
    )


def test_it_mails_each_confirmed_subscriber_of_the_language(
    personas: Personas, readers: list[Subscriber], client: Client
) -> None:
    issue = _issue(personas)

    job = issue_send(actor=personas.editor, issue=issue, base_url=BASE_URL)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"recipients": 5}
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.recipients == 5
    assert batch_counts(issue.batch)["sent"] == 5

    message = next(m for m in mail.outbox if m.to == [readers[0].email])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    found = UNSUBSCRIBE.match(message.extra_headers["List-Unsubscribe"])
    assert found is not None
    assert found.group(1) == reverse("newsletter:unsubscribe", args=[readers[0].unsubscribe_token])
    assert "Une nouvelle étude est parue : la lire (https://balise.example/p/1)" in message.body
    assert f"http://testserver{found.group(1)}" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "<strong>nouvelle étude</strong>" in str(html)
    assert f'href="http://testserver{found.group(1)}"' in str(html)

    # The footer link works: the page and its button unsubscribe this reader only.
    anonymous = Client()
    assert anonymous.get(found.group(1)).status_code == 200
    assert anonymous.post(found.group(1)).status_code == 200
    assert Subscriber.objects.get(pk=readers[0].pk).status == Subscriber.Status.UNSUBSCRIBED
    assert Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).count() == 5


def test_it_resumes_a_stopped_send_without_mailing_anyone_twice(
    personas: Personas, readers: list[Subscriber], monkeypatch: pytest.MonkeyPatch
) -> None:
    issue = _issue(personas)
    real_queue = mail_queue
    calls = {"n": 0}

    def crash_after_two(**kwargs: Any) -> OutboundMail:
        if calls["n"] == 2:
            raise RuntimeError("the worker died")
        calls["n"] += 1
        return real_queue(**kwargs)

    monkeypatch.setattr(newsletter, "mail_queue", crash_after_two)
    first = issue_send(actor=personas.editor, issue=issue, base_url=BASE_URL)

    first.refresh_from_db()
    assert first.status == Job.Status.FAILED
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING
    assert len(mail.outbox) == 2

    # Started again (the editor's "Resume sending"), it finishes the list.
    monkeypatch.setattr(newsletter, "mail_queue", real_queue)
    second = issue_send(actor=personas.editor, issue=issue, base_url=BASE_URL)

    second.refresh_from_db()
    assert second.status == Job.Status.SUCCEEDED
    assert Counter(m.to[0] for m in mail.outbox) == Counter(r.email for r in readers)
    assert OutboundMail.objects.filter(batch=issue.batch).count() == 5
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT

    # And a third time is refused: it is sent.
    with pytest.raises(Exception, match="already sent"):
        issue_send(actor=personas.editor, issue=issue, base_url=BASE_URL)


def test_it_sends_a_test_to_the_editor_alone(
    personas: Personas, readers: list[Subscriber], client: Client
) -> None:
    issue = _issue(personas)
    login_verified(client, personas.editor)

    response = client.post(reverse("newsletter:issue_test", args=[issue.pk]))

    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.to == [personas.editor.email]
    assert sent.subject == "[TEST] Balise — décembre"
    assert "List-Unsubscribe" in sent.extra_headers
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_it_starts_the_send_from_the_page_and_shows_the_counts(
    personas: Personas, readers: list[Subscriber], client: Client
) -> None:
    issue = _issue(personas)
    login_verified(client, personas.editor)

    response = client.post(reverse("newsletter:issue_send", args=[issue.pk]))

    issue.refresh_from_db()
    assert issue.job is not None
    assert response["Location"] == reverse("jobs:detail", args=[issue.job.pk])
    page = client.get(reverse("newsletter:issue_detail", args=[issue.pk])).content.decode()
    assert re.search(r'<th scope="row">Envoyé</th><td class="num">5</td>', page)
    assert 'data-testid="delivery-problems"' not in page
    assert client.get(response["Location"]).status_code == 200

    today = timezone.localdate()
    reach = newsletter_reach(start=date(today.year, 1, 1), end=today)
    assert reach.issues_sent == 1
    assert reach.mails_delivered == 5
    assert dict(reach.subscribers) == {"fr": 5, "nl": 1, "en": 0}


def test_it_renders_the_preview_with_the_safe_markdown_subset(
    personas: Personas, client: Client
) -> None:
    issue = issue_create(
        actor=personas.editor,
        language="nl",
        subject="Test",
        body="Hallo <script>alert(1)</script> [x](javascript:alert(1)) **vet**",
    )
    login_verified(client, personas.editor)
    page = client.get(reverse("newsletter:issue_detail", args=[issue.pk])).content.decode()
    preview = page[page.index('class="newsletter-preview"') :]
    assert "<strong>vet</strong>" in preview
    assert "<script>alert" not in preview
    assert 'href="javascript:' not in preview


def test_it_names_the_subscribers_an_issue_did_not_reach(
    personas: Personas, readers: list[Subscriber], client: Client
) -> None:
    mail_suppress(email=readers[0].email, reason="bounce")
    issue = _issue(personas)
    login_verified(client, personas.editor)
    client.post(reverse("newsletter:issue_send", args=[issue.pk]))
    page = client.get(reverse("newsletter:issue_detail", args=[issue.pk])).content.decode()
    assert re.search(r'<th scope="row">Envoyé</th><td class="num">4</td>', page)
    problems = page[page.index('data-testid="delivery-problems"') :]
    problems = problems[: problems.index("</table>")]
    assert readers[0].email in problems
    assert "Non envoyé (adresse bloquée)" in problems
    assert readers[1].email not in problems

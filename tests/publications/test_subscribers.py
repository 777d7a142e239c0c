"""Editors' subscriber pages: counts by language and month, CSV/XLSX export with formulas made
inert (audited), a person found and erased on request (their mails too; never written again)."""

from __future__ import annotations

import io

from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from balise.audit.models import AuditEvent
from balise.mail.models import OutboundMail
from balise.publications.models import Consent, Subscriber, Suppression
from balise.publications.newsletter import is_newsletter_suppressed, subscription_request
from tests.conftest import Personas, login_verified
from tests.publications.newsletter_helpers import BASE_URL, subscribed


def test_it_counts_by_language_and_month(personas: Personas, client: Client) -> None:
    subscribed("a@example.org", "fr")
    subscribed("b@example.org", "nl")
    subscribed("c@example.org", "nl")
    subscription_request(email="d@example.org", language="en", base_url=BASE_URL)
    login_verified(client, personas.editor)

    response = client.get(reverse("newsletter:subscribers"), headers={"accept-language": "en"})

    counts = response.context["counts"]
    assert counts.by_language == (("fr", 1), ("nl", 2), ("en", 0))
    assert counts.total == 3
    assert counts.pending == 1
    [(_month, values)] = counts.by_month
    assert values == (1, 2, 0)
    assert "3 confirmed subscribers; 1 awaiting confirmation" in response.content.decode()


def test_it_exports_csv_and_xlsx_with_formulas_made_inert(
    personas: Personas, client: Client
) -> None:
    subscribed("=cmd|calc@example.org", "fr")
    subscribed("plain@example.org", "nl")
    login_verified(client, personas.editor)

    csv_text = client.get(reverse("newsletter:subscribers_export", args=["csv"])).content.decode()
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("email;language;status")
    assert lines[1].startswith("'=cmd|calc@example.org;fr;confirmed;")
    assert lines[1].endswith(";newsletter:subscribe;2026-12-01")

    xlsx = client.get(reverse("newsletter:subscribers_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["A2"].value == "'=cmd|calc@example.org"
    assert sheet["A3"].value == "plain@example.org"
    assert AuditEvent.objects.filter(action="newsletter.subscribers_exported").count() == 2


def test_it_erases_a_person_on_request(personas: Personas, client: Client) -> None:
    person = subscribed("erase.me@example.org", "fr")
    subscribed("stays@example.org", "fr")
    assert OutboundMail.objects.filter(recipient="erase.me@example.org").exists()
    login_verified(client, personas.editor)
    found = client.get(reverse("newsletter:subscribers"), {"email": "erase.me@example.org"})
    assert found.context["found"] == person

    response = client.post(reverse("newsletter:subscriber_erase", args=[person.pk]))

    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="erase.me@example.org").exists()
    assert not Consent.objects.filter(subscriber_id=person.pk).exists()
    assert not OutboundMail.objects.filter(recipient="erase.me@example.org").exists()
    assert Suppression.objects.get().reason == Suppression.Reason.ERASED
    assert "erase.me" not in Suppression.objects.get().digest
    assert is_newsletter_suppressed("Erase.Me@example.org")
    assert Subscriber.objects.filter(email="stays@example.org").exists()
    event = AuditEvent.objects.get(action="newsletter.subscriber_erased")
    assert "erase.me" not in str(event.details)
    mail.outbox.clear()

"""Administrators see the outbox and send a failed message again; the decision is audited."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from balise.audit.models import AuditEvent
from balise.mail.models import OutboundMail
from tests.conftest import Personas, login_verified

pytestmark = pytest.mark.django_db


def _mail(status: str, recipient: str = "someone@example.org") -> OutboundMail:
    return OutboundMail.objects.create(
        purpose="trainings.confirmation",
        recipient=recipient,
        from_email="Balise <no-reply@balise.invalid>",
        subject="Inscription confirmée",
        text="secret body text",
        status=status,
        attempts=6,
        last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
    )


def test_it_lists_messages_by_status_without_their_text(client: Client, personas: Personas) -> None:
    _mail(OutboundMail.Status.FAILED)
    _mail(OutboundMail.Status.SENT, "other@example.org")
    login_verified(client, personas.admin)
    page = client.get(reverse("mail:outbox"), {"status": "failed"}).content.decode()
    assert "someone@example.org" in page
    assert "other@example.org" not in page
    assert "550 mailbox unavailable" in page
    assert "secret body text" not in page
    with translation.override("fr"):  # the page speaks the default language
        assert f"{OutboundMail.Status.FAILED.label} (1)" in page
        assert f"{OutboundMail.Status.SENT.label} (1)" in page


def test_it_sends_a_failed_message_again(client: Client, personas: Personas) -> None:
    failed = _mail(OutboundMail.Status.FAILED)
    sent = _mail(OutboundMail.Status.SENT)
    login_verified(client, personas.admin)
    response = client.post(reverse("mail:retry", args=[failed.pk]), follow=True)
    assert "Le message est remis dans la file" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutboundMail.Status.SENT
    assert [m.to for m in mail.outbox] == [["someone@example.org"]]
    assert AuditEvent.objects.filter(action="mail.retried", object_id=str(failed.pk)).exists()
    response = client.post(reverse("mail:retry", args=[sent.pk]), follow=True)
    assert "Seul un message en échec ou interrompu" in response.content.decode()
    assert len(mail.outbox) == 1

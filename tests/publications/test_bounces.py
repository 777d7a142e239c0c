"""`balise newsletter bounces`: hard bounces (RFC 3464 DSNs, read with the email package) from an
mbox or a Maildir suppress the addresses; delays and soft failures do not."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from balise.mail.services import is_suppressed
from balise.publications.models import Subscriber, Suppression
from balise.publications.newsletter import subscription_request
from tests.publications.newsletter_helpers import BASE_URL, subscribed


def dsn(recipient: str, action: str, status: str) -> EmailMessage:
    report = EmailMessage()
    report["From"] = "MAILER-DAEMON@mx.example.org"
    report["To"] = "no-reply@balise.invalid"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.set_content("This is the mail system. Your message could not be delivered.")
    status_part = EmailMessage()
    status_part.set_content(
        "Reporting-MTA: dns; mx.example.org\n"
        "Arrival-Date: Thu, 3 Dec 2026 10:00:00 +0100\n"
        "\n"
        f"Final-Recipient: rfc822; {recipient}\n"
        f"Original-Recipient: rfc822; {recipient}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n",
    )
    report.make_mixed()
    report.set_type("multipart/report")
    report.set_param("report-type", "delivery-status")
    from email import message_from_string

    delivery = message_from_string(
        "Content-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.org\n\n"
        f"Final-Recipient: rfc822; {recipient}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
    )
    report.attach(delivery)  # type: ignore[arg-type]
    return report


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(path)
    box.add(dsn("Gone@Example.org", "failed", "5.1.1"))
    box.add(dsn("busy@example.org", "delayed", "4.2.2"))
    box.add(dsn("full@example.org", "failed", "4.2.2"))
    plain = EmailMessage()
    plain["Subject"] = "Out of office"
    plain.set_content("I am away.")
    box.add(plain)
    box.flush()
    box.close()
    return path


def test_it_suppresses_hard_bounces_from_an_mbox(mbox: Path, db: None) -> None:
    gone = subscribed("gone@example.org")
    busy = subscribed("busy@example.org")
    out = StringIO()

    call_command("newsletter", "bounces", "--mbox", str(mbox), stdout=out)

    assert "1 hard-bounced addresses suppressed (1 of them subscribers)" in out.getvalue()
    gone.refresh_from_db()
    busy.refresh_from_db()
    assert gone.status == Subscriber.Status.BOUNCED
    assert busy.status == Subscriber.Status.CONFIRMED
    assert is_suppressed("gone@example.org")
    assert not is_suppressed("busy@example.org")
    assert not is_suppressed("full@example.org")
    assert Suppression.objects.get().reason == Suppression.Reason.BOUNCED

    # A later subscription is answered the same, and no mail leaves.
    mail.outbox.clear()
    subscription_request(email="gone@example.org", language="fr", base_url=BASE_URL)
    assert mail.outbox == []


def test_it_reads_a_maildir(tmp_path: Path, db: None) -> None:
    folder = tmp_path / "dsn"
    box = mailbox.Maildir(folder, create=True)
    box.add(dsn("someone@example.org", "failed", "5.2.1"))
    box.close()

    call_command("newsletter", "bounces", "--maildir", str(folder), stdout=StringIO())

    assert is_suppressed("someone@example.org")


def test_it_refuses_a_missing_mailbox(tmp_path: Path, db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not exist"):
        call_command("newsletter", "bounces", "--mbox", str(tmp_path / "none.mbox"))

"""Mails of a registration through a real SMTP server on loopback (aiosmtpd): headers, the
``.ics`` invitation, and links that work when followed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from balise.training.models import Registration, Status
from tests.conftest import SmtpServer
from tests.training.factories import make_course, make_session

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/trainings/(?:confirm|me)/[^/\s]+/)")


def test_it_mails_a_confirmation_then_an_invitation(
    client: Client, smtp_server: SmtpServer, settings: object
) -> None:
    settings.BALISE_SITE_URL = "http://testserver"  # type: ignore[attr-defined]
    starts = (timezone.now() + timedelta(days=12)).replace(microsecond=0)
    session = make_session(make_course(title="Les signes"), starts)
    response = client.post(
        f"/trainings/{session.pk}/register/",
        {
            "full_name": "Anne Martin",
            "email": "anne@example.org",
            "sector": "police",
            "consent": "on",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 302

    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "anne@example.org"
    assert confirmation["Subject"] == "Bevestig uw inschrijving: Les signes"
    assert confirmation["Message-ID"]
    assert smtp_server.envelopes[0].rcpt_tos == ["anne@example.org"]
    body = confirmation.get_body(preferencelist=("plain",))
    assert body is not None
    [confirm_path] = LINK.findall(body.get_content())
    assert confirm_path.startswith("/trainings/confirm/")

    # The link opens a page whose button confirms.
    assert client.get(confirm_path).status_code == 200
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302
    assert Registration.objects.get().status == Status.REGISTERED

    invitation = smtp_server.messages[-1]
    assert invitation["Subject"] == "U bent ingeschreven: Les signes"
    [attachment] = list(invitation.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "training.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == starts
    assert event.decoded("dtend") == session.ends_at
    assert str(event["summary"]) == "Les signes"
    assert str(event["uid"]) == f"training-session-{session.pk}@testserver"
    text = invitation.get_body(preferencelist=("plain",))
    assert text is not None
    [personal] = LINK.findall(text.get_content())
    page = client.get(personal)  # in the language of the registration, without asking
    assert page.status_code == 200
    assert "Mijn inschrijving annuleren" in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # type: ignore[attr-defined]
    assert "Annuler mon inscription" in client.get(personal).content.decode()

"""Registering without an account, through the pages: the form, the confirmation page opened
by the mail's link (a POST button), the personal page; and every refusal writes nothing."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from balise.training.models import Registration, Status
from balise.training.privacy import PRIVACY_NOTICE_VERSION
from balise.training.tokens import Purpose, make_token
from tests.training.factories import make_course, make_session
from tests.training.helpers import links_in

pytestmark = pytest.mark.django_db


def _soon(days: int = 10) -> Any:
    return timezone.now().replace(microsecond=0) + timedelta(days=days)


def _form(**changes: str) -> dict[str, str]:
    data = {
        "full_name": "Anne Martin",
        "email": "anne@example.org",
        "organisation": "SAJ Bravo",
        "sector": "youth_aid",
        "function": "Déléguée",
        "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_it_registers_confirms_and_cancels_through_the_pages(client: Client) -> None:
    session = make_session(make_course(), _soon(), questions=["Vos attentes ?"])
    page = client.get(f"/trainings/{session.pk}/register/")
    assert page.status_code == 200
    assert 'type="checkbox" name="consent"' in page.content.decode()
    assert "checked" not in page.content.decode().split('name="consent"')[1].split(">")[0]

    response = client.post(
        f"/trainings/{session.pk}/register/", _form(answer_0="Comprendre les signes")
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.status, registration.answers) == (
        Status.PENDING,
        ["Comprendre les signes"],
    )
    assert registration.consent_version == PRIVACY_NOTICE_VERSION
    assert registration.consented_at is not None
    assert registration.language == "fr"

    [confirmation] = mail.outbox
    [link] = links_in(confirmation, "confirm")
    # Opening the link (what a mail scanner does) changes nothing; the button does.
    assert client.get(link).status_code == 200
    registration.refresh_from_db()
    assert registration.status == Status.PENDING
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED

    personal = confirmed["Location"]
    assert client.get(personal).content.decode().count("Annuler mon inscription") == 1
    assert client.post(personal, {"action": "cancel"}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_it_answers_a_second_registration_kindly_without_a_duplicate(client: Client) -> None:
    session = make_session(make_course(), _soon())
    client.post(f"/trainings/{session.pk}/register/", _form())
    again = client.post(f"/trainings/{session.pk}/register/", _form(email="ANNE@example.org"))
    assert again.status_code == 302
    assert Registration.objects.count() == 1
    assert [m.subject.split(" : ")[0] for m in mail.outbox] == [
        "Confirmez votre inscription",
        "Votre inscription",
    ]
    # Not confirmed yet: the second mail carries the confirmation link again, which works.
    [link] = links_in(mail.outbox[1], "confirm")
    assert client.post(link).status_code == 302
    assert Registration.objects.get().status == Status.REGISTERED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": ""}, "Veuillez cocher la case"),
        ({"email": "not-an-email"}, "adresse e-mail valide"),
        ({"answer_0": ""}, "Veuillez répondre à cette question"),
        ({"sector": "", "study": ""}, "Choisissez votre secteur"),
        ({"sector": "pirates"}, "Sélectionnez un choix valide"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(
    client: Client, changes: dict[str, str], message: str
) -> None:
    session = make_session(make_course(), _soon(), questions=["Vos attentes ?"])
    data = {"answer_0": "Tout savoir", **changes}
    response = client.post(f"/trainings/{session.pk}/register/", _form(**data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Registration.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "closed",
    [
        {"registration_deadline": timezone.now() - timedelta(hours=1)},
        {"cancelled_at": timezone.now()},
        {"external_registration_url": "https://partner.example.org/register"},
    ],
    ids=["deadline", "cancelled", "external"],
)
def test_it_refuses_a_closed_session(client: Client, closed: dict[str, Any]) -> None:
    session = make_session(make_course(), _soon(), **closed)
    response = client.post(f"/trainings/{session.pk}/register/", _form())
    assert response.status_code == 200
    assert "Inscriptions closes" in response.content.decode()
    assert Registration.objects.count() == 0


def test_it_refuses_a_past_session(client: Client) -> None:
    session = make_session(
        make_course(),
        _soon(-3),
        registration_deadline=_soon(-4),
        cancellation_deadline=_soon(-4),
    )
    assert client.post(f"/trainings/{session.pk}/register/", _form()).status_code == 200
    assert Registration.objects.count() == 0


def test_it_refuses_a_full_session_without_waitlist(client: Client) -> None:
    session = make_session(make_course(), _soon(), capacity=1, waitlist_enabled=False)
    client.post(f"/trainings/{session.pk}/register/", _form())
    client.post(links_in(mail.outbox[0], "confirm")[0])
    response = client.post(f"/trainings/{session.pk}/register/", _form(email="bob@example.org"))
    assert response.status_code == 400
    assert "complète et n’a pas de liste d’attente" in response.content.decode()
    assert Registration.objects.count() == 1


def test_it_refuses_tampered_and_expired_links(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = make_session(make_course(), _soon())
    client.post(f"/trainings/{session.pk}/register/", _form())
    registration = Registration.objects.get()
    token = make_token(registration, Purpose.CONFIRM)

    tampered = client.post(f"/trainings/confirm/{token[:-2]}xx/")
    assert tampered.status_code == 400
    assert "n’est plus valide" in tampered.content.decode()
    # A link made for another purpose does not open this page.
    other = client.post(f"/trainings/confirm/{make_token(registration, Purpose.MANAGE)}/")
    assert other.status_code == 400

    later = time.time() + 4 * 24 * 3600  # the confirmation link lives three days
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))
    expired = client.post(f"/trainings/confirm/{token}/")
    assert expired.status_code == 400
    assert "a expiré" in expired.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_it_limits_registrations_per_email(client: Client, settings: Any) -> None:
    settings.BALISE_TRAINING_PER_EMAIL_HOUR = 2
    sessions = [make_session(make_course(), _soon(d)) for d in (5, 6, 7)]
    for session in sessions[:2]:
        assert client.post(f"/trainings/{session.pk}/register/", _form()).status_code == 302
    limited = client.post(f"/trainings/{sessions[2].pk}/register/", _form())
    assert limited.status_code == 429
    assert Registration.objects.count() == 2
    other = client.post(f"/trainings/{sessions[2].pk}/register/", _form(email="bob@example.org"))
    assert other.status_code == 302


def test_it_limits_registrations_per_client_address(client: Client, settings: Any) -> None:
    settings.BALISE_TRAINING_PER_IP_HOUR = 2
    session = make_session(make_course(), _soon())
    for number in range(2):
        response = client.post(
            f"/trainings/{session.pk}/register/", _form(email=f"p{number}@example.org")
        )
        assert response.status_code == 302
    limited = client.post(f"/trainings/{session.pk}/register/", _form(email="p9@example.org"))
    assert limited.status_code == 429
    assert Registration.objects.count() == 2

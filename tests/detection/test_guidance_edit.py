"""Coordinators edit guidance: every save is a new version, audited; others are refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balise.audit.models import AuditEvent
from balise.detection.models import GuidanceVersion
from balise.detection.selectors import current_guidance
from tests.conftest import Personas, login_verified

URL = "/detection/guidance/high/nl/"


def test_it_has_a_stable_url() -> None:
    assert reverse("detection:guidance_edit", kwargs={"key": "high", "language": "nl"}) == URL


@pytest.mark.usefixtures("seeded_guidance")
def test_it_saves_a_new_version_and_audits_it(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    seeded = GuidanceVersion.objects.get(key="high", language="nl")
    assert seeded.version == 1

    response = client.post(URL, {"body": "Bel de jeugdsectie van het parket.\nInformeer uw team."})
    assert response.status_code == 302
    response = client.post(URL, {"body": "Bel eerst 101."})
    assert response.status_code == 302

    versions = list(GuidanceVersion.objects.filter(key="high", language="nl").order_by("version"))
    assert [v.version for v in versions] == [1, 2, 3]
    assert versions[0].body == seeded.body  # the old versions stay as they were
    assert versions[2].created_by == personas.admin
    assert current_guidance("high", "nl").steps == ["Bel eerst 101."]
    assert current_guidance("high", "fr").version == GuidanceVersion.objects.get(
        key="high", language="fr"
    )

    events = AuditEvent.objects.filter(action="detection.guidance.update").order_by("seq")
    assert [e.details for e in events] == [
        {"key": "high", "language": "nl", "version": 2},
        {"key": "high", "language": "nl", "version": 3},
    ]
    assert all(e.actor_id == personas.admin.pk for e in events)

    page = client.get(URL).content.decode()
    assert "Bel de jeugdsectie van het parket." in page  # history shows version 2
    assert page.index("Bel eerst 101.") < page.index("Bel de jeugdsectie")


@pytest.mark.usefixtures("seeded_guidance")
def test_it_uses_the_newest_version_on_the_result(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    client.post("/detection/guidance/urgent/en/", {"body": "Call the duty officer on 0800 00 00."})
    client.post(
        "/detection/guidance/contacts/en/", {"body": "Duty officer | 0800 00 00 | Day and night"}
    )
    response = Client().post(
        "/detection/", {"sign_missing_now": "last_6_months"}, headers={"accept-language": "en"}
    )
    html = response.content.decode()
    assert "<li>Call the duty officer on 0800 00 00.</li>" in html
    assert 'href="tel:08000000"' in html
    assert "Awel" not in html  # the older contact list is no longer shown


@pytest.mark.usefixtures("seeded_guidance")
def test_it_saves_nothing_when_unchanged(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    body = GuidanceVersion.objects.get(key="low", language="fr").body
    response = client.post("/detection/guidance/low/fr/", {"body": body + "\n\n"}, follow=True)
    assert GuidanceVersion.objects.filter(key="low", language="fr").count() == 1
    assert not AuditEvent.objects.filter(action="detection.guidance.update").exists()
    assert "Aucune modification" in response.content.decode()


@pytest.mark.usefixtures("seeded_guidance")
def test_it_names_the_bad_contact_line(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    body = "Police | 101 | ok\n | 112 | no name\nChild Focus | call us | bad number"
    response = client.post(
        "/detection/guidance/contacts/en/", {"body": body}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "line 2: the name is missing." in html
    assert "line 3: the phone number may hold only digits and spaces." in html
    assert GuidanceVersion.objects.filter(key="contacts", language="en").count() == 1


@pytest.mark.usefixtures("seeded_guidance")
def test_it_refuses_an_empty_text(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    response = client.post(URL, {"body": "   "})
    assert response.status_code == 400
    assert GuidanceVersion.objects.filter(key="high", language="nl").count() == 1


@pytest.mark.usefixtures("seeded_guidance")
@pytest.mark.parametrize("path", ["/detection/guidance/nope/fr/", "/detection/guidance/high/de/"])
def test_it_answers_404_for_unknown_texts(client: Client, personas: Personas, path: str) -> None:
    login_verified(client, personas.admin)
    assert client.get(path).status_code == 404


@pytest.mark.usefixtures("seeded_guidance")
@pytest.mark.parametrize("who", ["recorder_a", "steward_a", "analyst", "editor", "loner"])
def test_it_refuses_everyone_but_administrators(
    client: Client, personas: Personas, who: str
) -> None:
    login_verified(client, getattr(personas, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"body": "x"}).status_code == 403
    assert GuidanceVersion.objects.filter(key="high", language="nl").count() == 1
    assert AuditEvent.objects.filter(action="authz.denied").count() == 2


@pytest.mark.usefixtures("seeded_guidance")
def test_it_sends_anonymous_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.usefixtures("seeded_guidance")
def test_it_refuses_other_methods(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


@pytest.mark.usefixtures("seeded_guidance")
def test_it_shows_the_error_of_an_empty_post(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    response = client.post(URL, {}, headers={"accept-language": "en"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()

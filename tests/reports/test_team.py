"""The team: public page per language, former members kept, photos only with consent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from balise.audit.models import AuditEvent
from balise.reports.models import TeamMember
from balise.reports.services import team_member_save
from tests.conftest import Personas, login_verified

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def members(personas: Personas) -> dict[str, TeamMember]:
    def add(name: str, **fields: Any) -> TeamMember:
        defaults: dict[str, Any] = {
            "group": "team",
            "role_fr": "Chargée de projet",
            "role_nl": "Projectmedewerker",
            "role_en": "Project officer",
            "languages": "fr, nl",
            "start_date": date(2020, 1, 1),
            "end_date": None,
            "order": 10,
        }
        return team_member_save(actor=personas.editor, name=name, **{**defaults, **fields})

    return {
        "ana": add("Ana Peeters"),
        "bert": add("Bert Dubois", group="board", role_fr="Président", role_nl="Voorzitter"),
        "carla": add("Carla Former", end_date=date(2022, 6, 30)),
    }


def test_it_shows_current_members_in_the_visitors_language(
    client: Client, members: dict[str, TeamMember]
) -> None:
    fr = client.get(reverse("reports:team"), headers={"accept-language": "fr"}).content.decode()
    nl = client.get(reverse("reports:team"), headers={"accept-language": "nl"}).content.decode()
    assert "Chargée de projet" in fr
    assert "Conseil d’administration" in fr
    assert "Projectmedewerker" in nl
    assert "Voorzitter" in nl
    assert "Carla Former" not in fr  # former members are kept, not shown publicly


def test_it_keeps_former_members_for_the_keepers(
    client: Client, personas: Personas, members: dict[str, TeamMember]
) -> None:
    login_verified(client, personas.editor)
    html = client.get(
        reverse("reports:team_manage"), headers={"accept-language": "en"}
    ).content.decode()
    assert "Carla Former</a> (former member)" in html


def test_it_publishes_a_photo_only_with_consent_and_removes_it_on_request(
    client: Client, personas: Personas, members: dict[str, TeamMember]
) -> None:
    ana = members["ana"]
    photo_url = reverse("reports:team_photo", args=[ana.pk])
    login_verified(client, personas.editor)
    upload = reverse("reports:team_member_photo", args=[ana.pk])
    refused = client.post(upload, {"photo": SimpleUploadedFile("a.png", PNG)})
    assert refused.status_code == 400  # no consent ticked
    assert client.get(photo_url).status_code == 404
    not_an_image = client.post(
        upload, {"photo": SimpleUploadedFile("a.png", b"GIF89a"), "consent": "on"}
    )
    assert not_an_image.status_code == 400
    assert (
        client.post(
            upload, {"photo": SimpleUploadedFile("a.png", PNG), "consent": "on"}
        ).status_code
        == 302
    )
    shown = Client().get(photo_url)
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert shown.content == PNG
    client.post(upload, {"remove": "1"})
    assert Client().get(photo_url).status_code == 404
    ana.refresh_from_db()
    assert bytes(ana.photo) == b""
    assert list(
        AuditEvent.objects.filter(object_type="team_member", object_id=str(ana.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["reports.team_member_created", "reports.team_photo_set", "reports.team_photo_removed"]


def test_it_creates_and_edits_a_member(client: Client, personas: Personas) -> None:
    login_verified(client, personas.admin)
    data = {
        "name": "Dirk",
        "group": "team",
        "role_fr": "Juriste",
        "role_nl": "Jurist",
        "role_en": "",
        "languages": "nl",
        "start_date": "2024-09-01",
        "end_date": "2024-01-01",
        "order": "5",
    }
    refused = client.post(
        reverse("reports:team_member_new"), data, headers={"accept-language": "en"}
    )
    assert refused.status_code == 400
    assert "The end date comes before the start date." in refused.content.decode()
    data["end_date"] = ""
    assert client.post(reverse("reports:team_member_new"), data).status_code == 302
    dirk = TeamMember.objects.get(name="Dirk")
    data["end_date"] = "2025-12-31"
    client.post(reverse("reports:team_member_edit", args=[dirk.pk]), data)
    dirk.refresh_from_db()
    assert dirk.end_date == date(2025, 12, 31)

"""Hand-over from the detection aid to the recording form: codes arrive pre-ticked, nothing else."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import Personas, login_verified


def checked_codes(html: str, name: str) -> set[str]:
    pattern = rf'<input type="checkbox" name="{name}" value="([a-z0-9_]+)"[^>]*\schecked[\s>]'
    return set(re.findall(pattern, html))


@pytest.mark.django_db
def test_it_prefills_the_recording_form_from_a_result(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    result = client.post(
        "/detection/",
        {
            "vulnerabilities": ["in_care", "peer_isolation"],
            "sign_running_away": "last_6_months",
            "sign_withdrawn": "6_to_12_months",
            "sign_school_absence": "not_observed",
        },
    )
    response = client.get(result.context["situation_url"])
    assert response.status_code == 200
    html = response.content.decode()
    assert checked_codes(html, "vulnerabilities") == {"in_care", "peer_isolation"}
    assert checked_codes(html, "signs") == {"running_away", "withdrawn"}


@pytest.mark.django_db
def test_it_drops_unknown_codes(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    response = client.get("/situations/new/?signs=running_away,<b>x</b>,in_care&reference=PV-1")
    html = response.content.decode()
    assert checked_codes(html, "signs") == {"running_away"}
    assert checked_codes(html, "vulnerabilities") == set()
    assert 'value="PV-1"' not in html  # only signs and vulnerabilities are taken from the URL

"""The device-secret page: for members, with nothing that could post the secret."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.utils import translation

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from tests.conftest import Personas

URL = "/situations/device-secret/"
SignIn = Callable[[User], Client]


def test_it_shows_the_page_to_a_recorder(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="device-secret"' in html
    assert 'data-storage-key="balise.network-secret"' in html
    # Nothing on the page can send the secret: no form inside the secret area, no named input.
    area = html[html.index('id="device-secret"') : html.index('id="device-secret-messages"')]
    assert "<form" not in area
    assert not re.search(r"<(input|textarea|select)[^>]*\sname=", area)
    assert 'spellcheck="false"' in area
    # The modules are loaded with their integrity; no inline script.
    module = r'<script type="module" src="[^"]+identity-secret\.js" integrity="sha384-'
    assert re.search(module, html)
    assert re.search(r'<link rel="modulepreload" id="balise-encoding-module" [^>]*integrity=', html)
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", html)


def test_it_shows_the_page_to_a_steward(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.steward_a).get(URL).status_code == 200


def test_it_forbids_people_without_an_organisation(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.analyst).get(URL)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="authz.denied").count() == 1


def test_it_accepts_no_post(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).post(URL, {"secret": "x"})
    assert response.status_code == 405


def test_it_translates_the_texts_for_the_browser(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.recorder_a)
    for language, word in (("fr", "appareil"), ("nl", "toestel"), ("en", "device")):
        with translation.override(language):
            client.cookies["balise-language"] = language
            html = client.get(URL).content.decode()
        messages = html[html.index('id="device-secret-messages"') :]
        assert word in messages.split("</script>")[0], language

"""The identity step as the server renders it: no named identity input, the encoding kept when
the form comes back with an error elsewhere, the stored key shown when editing."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from balise.accounts.models import User
from balise.situations.models import Situation
from balise.situations.services import situation_create
from tests.conftest import Personas
from tests.situations.conftest import (
    VALID_ENCODING,
    VALID_KEY_ID,
    VALID_VERSION,
    stored_encoding,
    valid_data,
)

SignIn = Callable[[User], Client]
ENCODING, KEY_ID = VALID_ENCODING, VALID_KEY_ID
FORM = valid_data(
    identity_encoding=ENCODING, identity_version=VALID_VERSION, identity_key_id=KEY_ID
)


def _identity_area(html: str) -> str:
    return html[html.index('id="identity-step"') : html.index('name="identity_encoding"')]


def test_it_renders_identity_inputs_without_names(personas: Personas, signed_in: SignIn) -> None:
    html = signed_in(personas.recorder_a).get("/situations/new/").content.decode()
    area = _identity_area(html)
    inputs = re.findall(r"<(?:input|select|textarea)\b[^>]*>", area)
    assert len(inputs) == 4
    for tag in inputs:
        assert " name=" not in tag
        assert "disabled" in tag  # until the script finds the secret on the device
    for tag in inputs[:3]:
        assert 'autocomplete="off"' in tag
        assert 'spellcheck="false"' in tag
    assert 'href="/situations/device-secret/"' in area
    assert 'id="identity-messages" type="application/json"' in html


def test_it_keeps_the_encoding_when_another_field_is_wrong(
    personas: Personas, signed_in: SignIn
) -> None:
    response = signed_in(personas.recorder_a).post("/situations/new/", {**FORM, "forms": []})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="identity_encoding" id="identity_encoding" value="{ENCODING}"' in html
    assert f'name="identity_key_id" id="identity_key_id" value="{KEY_ID}"' in html
    assert not Situation.objects.exists()


def test_it_drops_a_broken_encoding(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).post(
        "/situations/new/", {**FORM, "identity_encoding": "abc"}
    )
    html = response.content.decode()
    assert 'name="identity_encoding" id="identity_encoding" value=""' in html


def test_it_shows_the_stored_key_when_editing(personas: Personas, signed_in: SignIn) -> None:
    user = personas.recorder_a
    assert user.organisation is not None
    situation = situation_create(actor=user, organisation=user.organisation, data=FORM)
    html = signed_in(user).get(f"/situations/{situation.pk}/edit/").content.decode()
    assert f'data-stored-key-id="{KEY_ID}"' in html
    assert f'data-stored-version="{VALID_VERSION}"' in html
    # The hidden fields start empty: an unchanged identity keeps the stored encoding.
    assert 'name="identity_encoding" id="identity_encoding" value=""' in html


def test_it_keeps_the_stored_encoding_when_no_new_one_is_sent(
    personas: Personas, signed_in: SignIn
) -> None:
    user = personas.recorder_a
    assert user.organisation is not None
    situation = situation_create(actor=user, organisation=user.organisation, data=FORM)
    empty = {"identity_encoding": "", "identity_version": "", "identity_key_id": ""}
    response = signed_in(user).post(f"/situations/{situation.pk}/edit/", {**FORM, **empty})
    assert response.status_code == 302
    situation.refresh_from_db()
    assert stored_encoding(situation) == ENCODING

"""The network secret handed out wrapped: custodians, key identifiers and unlock codes.

The server stores key identifiers and AES-GCM ciphertext only; these tests check who may post
them, what shape is accepted, and which wrap a device is offered.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.test import Client

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.linkage.secret import new_secret
from balise.network import selectors
from balise.network.models import KeyCustodian, NetworkKey, WrappedSecret
from balise.network.unlock import unlock_context
from tests.conftest import Personas
from tests.network.wrapping import CODE, shaped_wrap, unwrap_secret, wrap_secret

SignIn = Callable[[User], Client]
PUBLISH = "/network/secret/publish/"
WRAP = "/network/secret/wrap/"
KEY_ID = "0123456789abcdef"


def _wrap(client: Client, organisation_pk: int, document: object) -> tuple[int, dict[str, str]]:
    response = client.post(WRAP, {"organisation": organisation_pk, "wrapped": json.dumps(document)})
    return response.status_code, response.json() if response.status_code != 403 else {}


def test_it_lets_an_administrator_appoint_a_steward_only(
    personas: Personas, signed_in: SignIn
) -> None:
    client = signed_in(personas.admin)
    client.post("/network/secret/", {"user": personas.recorder_a.pk, "action": "appoint"})
    assert not KeyCustodian.objects.exists()
    client.post("/network/secret/", {"user": personas.steward_a.pk, "action": "appoint"})
    assert selectors.is_key_custodian(personas.steward_a)
    assert AuditEvent.objects.filter(action="network.key_custodian_appointed").count() == 1
    client.post("/network/secret/", {"user": personas.steward_a.pk, "action": "remove"})
    assert not selectors.is_key_custodian(personas.steward_a)
    assert AuditEvent.objects.filter(action="network.key_custodian_removed").count() == 1


def test_it_shows_the_admin_page_without_any_secret(personas: Personas, signed_in: SignIn) -> None:
    NetworkKey.objects.create(key_id=KEY_ID)
    html = signed_in(personas.admin).get("/network/secret/").content.decode()
    assert KEY_ID in html
    assert personas.steward_a.email in html  # a candidate custodian


def test_it_publishes_a_key_identifier_for_a_custodian_only(
    personas: Personas, signed_in: SignIn
) -> None:
    client = signed_in(personas.steward_a)
    assert client.post(PUBLISH, {"key_id": KEY_ID}).status_code == 403
    assert AuditEvent.objects.filter(action="authz.denied").count() == 1
    KeyCustodian.objects.create(user=personas.steward_a)
    assert client.post(PUBLISH, {"key_id": "not-hex"}).status_code == 400
    assert client.post(PUBLISH, {"key_id": KEY_ID}).json() == {"key_id": KEY_ID}
    assert client.post(PUBLISH, {"key_id": KEY_ID}).status_code == 400  # never reused
    event = AuditEvent.objects.get(action="network.key_published")
    assert event.details == {"key_id": KEY_ID}
    assert selectors.current_network_key() == NetworkKey.objects.get(key_id=KEY_ID)


def test_it_lets_a_steward_wrap_for_their_own_organisation_only(
    personas: Personas, signed_in: SignIn
) -> None:
    NetworkKey.objects.create(key_id=KEY_ID)
    client = signed_in(personas.steward_a)
    assert _wrap(client, personas.org_a.pk, shaped_wrap(KEY_ID))[0] == 200
    assert _wrap(client, personas.org_b.pk, shaped_wrap(KEY_ID))[0] == 403
    KeyCustodian.objects.create(user=personas.steward_a)
    assert _wrap(client, personas.org_b.pk, shaped_wrap(KEY_ID))[0] == 200
    assert WrappedSecret.objects.count() == 2
    assert AuditEvent.objects.filter(action="network.secret_wrapped").count() == 2


def test_it_refuses_wraps_of_another_key_or_of_the_wrong_shape(
    personas: Personas, signed_in: SignIn
) -> None:
    NetworkKey.objects.create(key_id=KEY_ID)
    client = signed_in(personas.steward_a)
    weak = {**shaped_wrap(KEY_ID), "iterations": 1000}
    extra = {**shaped_wrap(KEY_ID), "secret": "00" * 32}  # nothing beside the ciphertext
    short_salt = {**shaped_wrap(KEY_ID), "salt": "AAAA"}
    for document in (shaped_wrap("fedcba9876543210"), weak, extra, short_salt, "x", [1]):
        status, body = _wrap(client, personas.org_a.pk, document)
        assert status == 400, document
        assert body["error"]
    assert client.post(WRAP, {"organisation": personas.org_a.pk, "wrapped": "{"}).status_code == 400
    assert not WrappedSecret.objects.exists()


def test_it_offers_the_latest_wrap_of_the_current_key(personas: Personas) -> None:
    secret = new_secret()
    first = NetworkKey.objects.create(key_id=secret.key_id)
    for _ in range(2):
        WrappedSecret.objects.create(
            organisation=personas.org_a,
            network_key=first,
            wrapped=wrap_secret(secret.dumps(), first.key_id),
        )
    latest = WrappedSecret.objects.order_by("-pk").first()
    assert latest is not None
    context = unlock_context(personas.org_a.pk)
    assert context["network_key_id"] == secret.key_id
    assert context["wrapped"] == latest.wrapped
    assert unwrap_secret(context["wrapped"], CODE) == secret.dumps()
    assert unlock_context(personas.org_b.pk)["wrapped"] is None
    # A new version of the secret: the old wraps are no longer offered.
    NetworkKey.objects.create(key_id=new_secret().key_id)
    assert unlock_context(personas.org_a.pk)["wrapped"] is None


def test_it_shows_a_plain_steward_their_own_organisation_only(
    personas: Personas, signed_in: SignIn
) -> None:
    html = signed_in(personas.steward_a).get("/network/secret/custodian/").content.decode()
    assert personas.org_a.name in html
    assert personas.org_b.name not in html
    assert 'id="create-secret"' not in html
    KeyCustodian.objects.create(user=personas.steward_a)
    html = signed_in(personas.steward_a).get("/network/secret/custodian/").content.decode()
    assert personas.org_b.name in html
    assert 'id="create-secret"' in html

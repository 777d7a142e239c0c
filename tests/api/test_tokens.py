"""Token lifecycle: created hashed, shown once, refused once revoked or expired."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from balise.api.models import ApiToken
from balise.api.tokens import token_authenticate, token_create, token_revoke
from balise.audit.models import AuditEvent
from tests.conftest import Personas


def test_it_stores_only_a_digest(personas: Personas) -> None:
    token, raw = token_create(user=personas.recorder_a, label="sync", expires_in_days=30)
    assert raw.startswith(f"bal_{token.prefix}_")
    secret = raw.split("_", 2)[2]
    assert secret not in token.digest
    assert len(token.digest) == 64
    assert (token.expires_at - token.created_at).days == 30
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.details == {"prefix": token.prefix, "expires_in_days": 30}
    assert secret not in str(event.details)


def test_it_authenticates_and_notes_last_use(personas: Personas) -> None:
    token, raw = token_create(user=personas.recorder_a, label="sync", expires_in_days=30)
    found = token_authenticate(raw)
    assert found is not None
    assert found.pk == token.pk
    assert found.last_used_at is not None


def test_it_refuses_a_wrong_secret_with_a_real_prefix(personas: Personas) -> None:
    token, raw = token_create(user=personas.recorder_a, label="sync", expires_in_days=30)
    assert token_authenticate(raw[:-2] + "xx") is None
    assert token_authenticate(f"bal_{token.prefix}_") is None
    assert token_authenticate("not-a-token") is None
    assert token_authenticate("bal_é_é") is None


def test_it_refuses_a_revoked_token(personas: Personas, client: Client) -> None:
    token, raw = token_create(user=personas.recorder_a, label="sync", expires_in_days=30)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/situations", headers=headers).status_code == 200
    token_revoke(token=token)
    assert client.get("/api/v1/situations", headers=headers).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    refused = AuditEvent.objects.get(action="api_token.refused")
    assert refused.details == {"prefix": token.prefix, "revoked": True}


def test_it_refuses_an_expired_token(personas: Personas, client: Client) -> None:
    token, raw = token_create(user=personas.recorder_a, label="sync", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/situations", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(personas: Personas, client: Client) -> None:
    _token, raw = token_create(user=personas.recorder_a, label="sync", expires_in_days=30)
    personas.recorder_a.is_active = False
    personas.recorder_a.save(update_fields=["is_active"])
    response = client.get("/api/v1/situations", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401

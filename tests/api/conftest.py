"""API fixtures: tokens for personas and a client that sends them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from balise.accounts.models import User
from balise.api.tokens import token_create
from balise.situations.models import Situation
from balise.situations.services import situation_create

VALID: dict[str, Any] = {
    "detection_month": "2025-03",
    "arrondissement": "21000",
    "age_years": 15,
    "gender": "girl",
    "citizenship_group": "belgian",
    "forms": ["csam"],
    "status": "presumed",
}


class ApiClient:
    """A test client that sends ``Authorization: Bearer``; JSON in, JSON out."""

    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url: str, **params: Any) -> Any:
        return self.client.get(url, params, headers=self.headers)

    def send(self, method: str, url: str, body: Any) -> Any:
        call = getattr(self.client, method)
        return call(url, body, content_type="application/json", headers=self.headers)


def token_for(user: User) -> str:
    _token, raw = token_create(user=user, label="tests", expires_in_days=30)
    return raw


@pytest.fixture
def api_as(client: Client) -> Callable[[User], ApiClient]:
    def _as(user: User) -> ApiClient:
        return ApiClient(client, token_for(user))

    return _as


def record(user: User, reference: str, **changes: Any) -> Situation:
    assert user.organisation is not None
    return situation_create(
        actor=user,
        organisation=user.organisation,
        data={**VALID, "reference": reference, **changes},
    )

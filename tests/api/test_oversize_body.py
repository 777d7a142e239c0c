"""A body over Django's upload limit answers in the API's JSON error format (413), not HTML."""

from __future__ import annotations

from django.conf import LazySettings
from django.test import Client

from balise.api.tokens import token_create
from balise.situations.models import Situation
from tests.conftest import Personas


def test_it_answers_an_oversize_body_with_json(personas: Personas, settings: LazySettings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    _token, raw = token_create(user=personas.recorder_a, label="sync", expires_in_days=1)
    body = b'{"note": "' + b"x" * 2048 + b'"}'
    response = Client().post(
        "/api/v1/situations",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "The request body is larger than 1024 bytes."}
    assert not Situation.objects.exists()

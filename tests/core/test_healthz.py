import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_answers_ok_with_json(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "applied"


@pytest.mark.django_db
def test_it_refuses_post(client: Client) -> None:
    assert client.post("/healthz").status_code == 405

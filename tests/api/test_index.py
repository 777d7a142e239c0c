"""/api/v1/ answers where things are, to anyone, GET only."""

from __future__ import annotations

from django.test import Client


def test_it_points_to_the_schema_and_routes(client: Client, db: None) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "version": "1",
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
        "dictionary": "/api/v1/dictionary",
        "situations": "/api/v1/situations",
    }


def test_it_refuses_post(client: Client, db: None) -> None:
    assert client.post("/api/v1/").status_code == 405
    assert client.post("/api/v1/openapi.json").status_code == 405

"""The inline validation endpoint (htmx) returns one field's errors for its live region."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from tests.conftest import Personas

SignIn = Callable[[User], Client]
URL = reverse("situations:validate")


def test_it_returns_the_error_of_one_field(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.recorder_a)
    response = client.post(URL, {"_field": "age_years", "age_years": "21"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "17" in response.content.decode()


def test_it_returns_nothing_for_a_valid_value(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.recorder_a)
    response = client.post(URL, {"_field": "age_years", "age_years": "12"})
    assert response.content.decode().strip() == ""


def test_it_checks_lists(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.recorder_a)
    response = client.post(URL, {"_field": "forms"})
    assert "field-error" in response.content.decode()


def test_it_refuses_unknown_fields(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).post(URL, {"_field": "first_name"})
    assert response.status_code == 400

"""``request_user``: the one typed way views get the signed-in person."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from balise.accounts.access import request_user
from tests.conftest import Personas


def test_it_returns_the_signed_in_person(personas: Personas) -> None:
    request = RequestFactory().get("/")
    request.user = personas.analyst
    assert request_user(request) == personas.analyst


def test_it_refuses_an_anonymous_request() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        request_user(request)

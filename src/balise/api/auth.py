"""Bearer-token authentication for the API (tokens from balise.api.tokens)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from balise.api.tokens import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        # Views, scoped managers and the audit log all read request.user.
        request.user = found.user
        return found.user

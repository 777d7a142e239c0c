"""Access specs of the API and its token pages.

API routes authenticate by bearer token only: a browser session is no API credential, so every
persona of the matrix (session or none) gets 401 where a token is needed. Scoping with tokens
(other organisation -> 404) is tested in tests/api/ and by the schemathesis run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from balise.accounts.models import User
from balise.api.tokens import token_create
from tests.conftest import Personas
from tests.matrix.harness import EVERYONE, SIGNED_IN, UrlSpec

_TOKEN_ONLY = {f"{m} {p}": 401 for m in ("GET", "POST", "PUT", "PATCH") for p in EVERYONE}
_WHY_TOKEN = "API routes take a bearer token, not a session: 401 for every session persona"


def _token(user: User) -> Mapping[str, Any]:
    token, _raw = token_create(user=user, label="matrix", expires_in_days=30)
    return {"pk": token.pk}


def _situation_id(personas: Personas) -> Mapping[str, Any]:
    return {"situation_id": 1}


def _token_route(name: str, methods: tuple[str, ...], **kwargs: Any) -> UrlSpec:
    return UrlSpec(
        name,
        dict.fromkeys(methods, EVERYONE),
        special={k: v for k, v in _TOKEN_ONLY.items() if k.split()[0] in methods},
        reason=_WHY_TOKEN,
        **kwargs,
    )


SPECS = [
    UrlSpec("api:openapi-json", {"GET": EVERYONE}),
    UrlSpec("api:api-root", {"GET": EVERYONE}),
    UrlSpec("api_tokens:index", {"GET": EVERYONE}),
    UrlSpec("api:dictionary_index", {"GET": EVERYONE}),
    UrlSpec("api:dictionary_vocabulary", {"GET": EVERYONE}, kwargs=lambda p: {"name": "genders"}),
    _token_route("api:situation_list", ("GET", "POST")),
    _token_route("api:situation_create_route", ("GET", "POST")),
    _token_route("api:situation_detail", ("GET", "PUT", "PATCH"), kwargs=_situation_id),
    _token_route("api:situation_replace", ("GET", "PUT", "PATCH"), kwargs=_situation_id),
    _token_route("api:situation_patch", ("GET", "PUT", "PATCH"), kwargs=_situation_id),
    UrlSpec(
        "api_tokens:list",
        {"GET": SIGNED_IN, "POST": SIGNED_IN},
        data=lambda p: {"label": "matrix", "expires": "30"},
    ),
    UrlSpec(
        "api_tokens:revoke",
        {"POST": SIGNED_IN},
        kwargs=lambda p: _token(p.recorder_a),
        other_kwargs=lambda p: _token(p.recorder_b),
        # A token belongs to one person: everyone else gets 404 for it.
        special={f"POST {p}": 404 for p in ("steward", "analyst", "editor", "admin", "loner")},
        reason="a token belongs to one person; nobody else can see or revoke it",
    ),
    UrlSpec("api_tokens:docs", {"GET": SIGNED_IN}),
]

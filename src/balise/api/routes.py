"""The REST API under /api/v1/: bearer tokens, JSON errors with field paths.

Errors: 401 without a usable token, 403 without the role, 404 for what the caller may not see
(another organisation's situation looks like a missing one), 413 for a body over Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE``, 422 with
``{"detail": [{"loc": ["body", "forms", 2], "msg": "...", "type": "..."}]}``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.errors import ValidationError

from balise.api.auth import TokenAuth
from balise.api.dictionary import router as dictionary_router
from balise.api.situations import router as situations_router
from balise.situations.services import refuse_identity_fields
from balise.situations.validation import SituationValidationError, is_identity_field

BODY_PARAM = "payload"

api = NinjaAPI(
    title="Balise API",
    version="1",
    description=(
        "Record and read your organisation's situations; read the data dictionary. "
        "Send `Authorization: Bearer <token>` (create tokens under /api/tokens/)."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,  # the docs page is served by balise.api.views.api_docs, for signed-in people
    docs_decorator=require_GET,  # applies to openapi.json: other methods answer 405
)


def refuse_identity_query(operation: Callable[..., Any]) -> Callable[..., Any]:
    """Names or birth dates in a query string (``?first_name=...``) are refused and audited like
    those in a body, on every route; unknown query parameters are otherwise ignored."""

    @wraps(operation)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if any(is_identity_field(key) for key in request.GET):
            actor = request.user if request.user.is_authenticated else None
            try:
                refuse_identity_fields(
                    actor=actor, keys=list(request.GET), channel="api", request=request
                )
            except SituationValidationError as refused:
                detail = [
                    _error(["query", issue.field], issue.message, issue.code)
                    for issue in refused.issues
                ]
                return api.create_response(request, {"detail": detail}, status=422)
        return operation(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_identity_query)
api.add_router("/dictionary", dictionary_router)
api.add_router("/situations", situations_router)


def _error(loc: list[Any], msg: str, type_: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": type_}


def _issues_response(request: HttpRequest, exc: SituationValidationError) -> HttpResponse:
    detail = [
        _error(
            ["body", issue.field, *([] if issue.index is None else [issue.index])],
            issue.message,
            issue.code,
        )
        for issue in exc.issues
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Field paths without the body parameter's name; identity-like keys refused and audited."""
    detail = []
    identity_keys = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if len(loc) > 1 and loc[0] == "body" and loc[1] == BODY_PARAM:
            del loc[1]
        if error.get("type") == "extra_forbidden" and loc and is_identity_field(str(loc[-1])):
            identity_keys.append(str(loc[-1]))
            continue
        detail.append(_error(loc, str(error.get("msg", "")), str(error.get("type", ""))))
    if identity_keys:
        actor = request.user if request.user.is_authenticated else None
        try:
            refuse_identity_fields(actor=actor, keys=identity_keys, channel="api", request=request)
        except SituationValidationError as refused:
            detail = [
                _error(["body", issue.field], issue.message, issue.code) for issue in refused.issues
            ] + detail
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(SituationValidationError)
def on_situation_invalid(request: HttpRequest, exc: SituationValidationError) -> HttpResponse:
    return _issues_response(request, exc)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """JSON like every other API error (Django alone answers an HTML 400 page)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = f"The request body is larger than {limit} bytes."
    return api.create_response(request, {"detail": detail}, status=413)

"""Situation routes: list (filters, pages), detail, create, replace, patch.

Scoped exactly like the pages: ``Situation.objects.visible_to(user)``, so another organisation's
id answers 404. Writes go through the situation services (validated, atomic, audited); reads are
audited like the pages (``situation.read``). The free-text note and the identity encoding can be
written, never read here (both are stored encrypted; reads say only whether there is one).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.situations.filters import apply_filters, parse_filters
from balise.situations.models import Situation
from balise.situations.selectors import get_situation_or_404, situations_visible_to
from balise.situations.services import situation_create, situation_update
from balise.situations.validation import encoding_max_chars

router = Router(tags=["situations"])

MAX_ID = 2**63 - 1  # ids beyond a 64-bit integer cannot exist; refuse them as input errors
MAX_PAGE_SIZE = 100


def _member(request: HttpRequest) -> User:
    """The caller, if a recorder or steward of an organisation; 403 (audited) otherwise."""
    user = request.user
    if not isinstance(user, User) or not user.is_recorder:
        record_event(
            "authz.denied",
            request=request,
            object_type="url",
            object_id="api:situations",
            details={"reason": "organisation role", "method": request.method or ""},
        )
        raise PermissionDenied("organisation role")
    return user


def _audit_read(request: HttpRequest, situation: Situation) -> None:
    record_event(
        "situation.read",
        request=request,
        organisation_id=situation.organisation_id,
        object_type="situation",
        object_id=situation.pk,
        details={"view": "api"},
    )


class SituationOut(Schema):
    id: int
    reference: str
    detection_month: str = Field(description="YYYY-MM")
    arrondissement: str
    age_years: int | None
    gender: str
    citizenship_group: str
    unaccompanied: bool
    forms: list[str]
    recruitment_channels: list[str]
    places: list[str]
    vulnerabilities: list[str]
    signs: list[str]
    actions: list[str]
    status: str
    dictionary_version: str
    has_identity: bool
    identity_version: str
    identity_key_id: str
    has_note: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_detection_month(obj: Situation) -> str:
        month: date = obj.detection_month
        return month.strftime("%Y-%m")


class Message(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int] = Field(description='where, e.g. ["body", "forms", 2]')
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[FieldError]


# Answers every situation route may give besides success (see docs/api.md, "Errors").
_ERRORS: dict[int, type[Schema]] = {401: Message, 403: Message, 422: ValidationErrors}
_ERRORS_WITH_ID: dict[int, type[Schema]] = {**_ERRORS, 404: Message}
# A body that is not JSON at all: 400 "Cannot parse request body".
_BODY_ERRORS: dict[int, type[Schema]] = {**_ERRORS, 400: Message}
_BODY_ERRORS_WITH_ID: dict[int, type[Schema]] = {**_ERRORS_WITH_ID, 400: Message}


class SituationPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[SituationOut]


_CODES = "dictionary codes (see /api/v1/dictionary)"


class SituationPatch(Schema):
    """Every field optional: PATCH changes only what it names."""

    # Unknown keys are refused (422), and identity-like keys are refused and audited.
    model_config = ConfigDict(extra="forbid")

    reference: str | None = Field(None, max_length=64, description="your own id; unique")
    detection_month: str | None = Field(None, max_length=10, description="YYYY-MM")
    arrondissement: str | None = Field(None, max_length=5, description="NIS code")
    age_years: int | None = Field(None, description="0 to 17; null when unknown")
    gender: str | None = Field(None, max_length=64)
    citizenship_group: str | None = Field(None, max_length=64)
    unaccompanied: bool | None = None
    forms: list[str] | None = Field(None, max_length=50, description=_CODES)
    recruitment_channels: list[str] | None = Field(None, max_length=50)
    places: list[str] | None = Field(None, max_length=50)
    vulnerabilities: list[str] | None = Field(None, max_length=200)
    signs: list[str] | None = Field(None, max_length=200)
    actions: list[str] | None = Field(None, max_length=50)
    status: str | None = Field(None, max_length=64)
    identity_encoding: str | None = Field(
        None,
        max_length=encoding_max_chars(),
        description="base64, as `balise encode` or the form writes it; stored encrypted and "
        "never returned",
    )
    identity_version: str | None = Field(
        None, max_length=8, description="spec version of the encoding (any this server knows)"
    )
    identity_key_id: str | None = Field(None, max_length=32)
    note: str | None = Field(None, max_length=8000, description="encrypted; never returned")


class SituationIn(SituationPatch):
    """A whole situation (POST and PUT)."""

    detection_month: str = Field(..., max_length=10, description="YYYY-MM")
    arrondissement: str = Field(..., max_length=5, description="NIS code")
    gender: str = Field(..., max_length=64)
    citizenship_group: str = Field(..., max_length=64)
    forms: list[str] = Field(..., min_length=1, max_length=50, description=_CODES)
    status: str = Field(..., max_length=64)


def _data(payload: SituationPatch) -> dict[str, Any]:
    values = payload.model_dump(exclude_unset=True)
    if values.get("age_years", 0) is None:
        values["age_years"] = ""  # null: unknown age
    return {k: v for k, v in values.items() if v is not None or k == "note"}


class SituationFilters(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)
    month_from: str | None = Field(None, max_length=7, description="YYYY-MM")
    month_to: str | None = Field(None, max_length=7, description="YYYY-MM")
    form: str | None = Field(None, max_length=64)
    status: str | None = Field(None, max_length=64)
    gender: str | None = Field(None, max_length=64)
    age_group: str | None = Field(None, max_length=64)
    q: str | None = Field(None, max_length=64, description="part of the reference")


@router.get(
    "", response={200: SituationPage, **_ERRORS}, summary="List your organisation's situations"
)
def situation_list(request: HttpRequest, filters: Query[SituationFilters]) -> dict[str, Any]:
    user = _member(request)
    query = QueryDict(mutable=True)
    for name, value in filters.model_dump(exclude={"page", "page_size"}).items():
        if value is not None:
            query[name] = value.replace("\x00", "")  # PostgreSQL text cannot hold NUL
    situations = apply_filters(situations_visible_to(user), parse_filters(query))
    count = situations.count()
    page, page_size = filters.page, filters.page_size
    start = (page - 1) * page_size
    items = list(situations.order_by("-detection_month", "-id")[start : start + page_size])
    record_event(
        "situation.list",
        request=request,
        object_type="situation",
        details={"view": "api", "count": len(items), "page": page},
    )
    return {"count": count, "page": page, "page_size": page_size, "items": items}


@router.get(
    "/{situation_id}",
    response={200: SituationOut, **_ERRORS_WITH_ID},
    summary="One situation",
)
def situation_detail(request: HttpRequest, situation_id: int) -> Situation:
    user = _member(request)
    situation = get_situation_or_404(user, _checked_id(situation_id))
    _audit_read(request, situation)
    return situation


@router.post("", response={201: SituationOut, **_BODY_ERRORS}, summary="Record a situation")
def situation_create_route(request: HttpRequest, payload: SituationIn) -> Status[Situation]:
    user = _member(request)
    assert user.organisation is not None  # _member checked the organisation role
    situation = situation_create(
        actor=user,
        organisation=user.organisation,
        data=_data(payload),
        request=request,
        channel="api",
    )
    return Status(201, situation)


@router.put(
    "/{situation_id}",
    response={200: SituationOut, **_BODY_ERRORS_WITH_ID},
    summary="Replace a situation (every field)",
)
def situation_replace(request: HttpRequest, situation_id: int, payload: SituationIn) -> Situation:
    user = _member(request)
    situation = get_situation_or_404(user, _checked_id(situation_id))
    return situation_update(
        actor=user, situation=situation, data=_data(payload), request=request, channel="api"
    )


@router.patch(
    "/{situation_id}",
    response={200: SituationOut, **_BODY_ERRORS_WITH_ID},
    summary="Change some fields of a situation",
)
def situation_patch(request: HttpRequest, situation_id: int, payload: SituationPatch) -> Situation:
    user = _member(request)
    situation = get_situation_or_404(user, _checked_id(situation_id))
    return situation_update(
        actor=user,
        situation=situation,
        data=_data(payload),
        request=request,
        channel="api",
        partial=True,
    )


def _checked_id(situation_id: int) -> int:
    from django.http import Http404

    if not 1 <= situation_id <= MAX_ID:
        raise Http404
    return situation_id

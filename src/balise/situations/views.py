"""Pages to record, list, read, edit and export the organisation's situations.

Every view is for recorders and stewards of an organisation (others get 403); objects come from
``Situation.objects.visible_to(user)`` so another organisation's situation answers 404. Reads and
exports are audited; writes go through ``services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import org_role_required, request_user
from balise.accounts.models import OrgRole
from balise.audit.services import record_event, record_read
from balise.situations import exporting
from balise.situations.filters import apply_filters, filter_form, parse_filters
from balise.situations.formdata import (
    LABELS,
    build_fields,
    identity_errors,
    raw_input,
    values_of,
)
from balise.situations.identity_step import (
    identity_context,
    no_identity_in_query,
    refuse_identity_keys,
)
from balise.situations.models import Situation
from balise.situations.selectors import get_situation_or_404, situations_visible_to
from balise.situations.services import (
    situation_create,
    situation_note,
    situation_update,
)
from balise.situations.validation import (
    FIELDS,
    IDENTITY_FIELDS,
    MULTI_FIELDS,
    FieldIssue,
    SituationValidationError,
    validate_field,
)
from balise.taxonomy.loader import active_language, load

PAGE_SIZE = 25


def _audit_read(request: HttpRequest, situation: Situation, view: str) -> None:
    record_event(
        "situation.read",
        request=request,
        organisation_id=situation.organisation_id,
        object_type="situation",
        object_id=situation.pk,
        details={"view": view},
    )


def _row(situation: Situation) -> dict[str, Any]:
    dictionary = load()
    return {
        "situation": situation,
        "arrondissement": dictionary["geography"].label(situation.arrondissement),
        "gender": dictionary["genders"].label(situation.gender),
        "forms": [dictionary["forms"].label(code) for code in situation.forms],
        "status": dictionary["statuses"].label(situation.status),
    }


@require_GET
@org_role_required(OrgRole.RECORDER)
@no_identity_in_query
def situation_list(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request.GET)
    situations = apply_filters(situations_visible_to(request_user(request)), filters).only(
        "id",
        "reference",
        "detection_month",
        "arrondissement",
        "age_years",
        "gender",
        "forms",
        "status",
        "updated_at",
    )
    page = Paginator(situations, PAGE_SIZE).get_page(request.GET.get("page"))
    record_read(
        "situation.list",
        request=request,
        object_type="situation",
        details={"view": "page", "count": len(page.object_list), "page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "situations/list.html",
        {
            "page": page,
            "rows": [_row(s) for s in page.object_list],
            "filters": filter_form(filters),
            "query": query.urlencode(),
        },
    )


def _render_form(
    request: HttpRequest,
    *,
    values: dict[str, Any],
    issues: list[FieldIssue],
    situation: Situation | None,
    status: int = 200,
) -> HttpResponse:
    fields = build_fields(values, issues)
    summary = [
        {
            "text": _("%(label)s: %(message)s")
            % {"label": fields[issue.field].label, "message": issue.message},
            "target": fields[issue.field].first_id,
        }
        for issue in issues
        if issue.field in fields
    ]
    identity_values = {} if any(issue.field in IDENTITY_FIELDS for issue in issues) else values
    return render(
        request,
        "situations/form.html",
        {
            "fields": fields,
            "situation": situation,
            "summary": summary,
            "identity_errors": identity_errors(issues),
            "identity": identity_context(
                identity_values, situation, organisation_id=request_user(request).organisation_id
            ),
            "vulnerability_field": fields["vulnerabilities"],
        },
        status=status,
    )


def _identity_refused(request: HttpRequest, situation: Situation | None) -> HttpResponse | None:
    try:
        refuse_identity_keys(request)
    except SituationValidationError as error:
        # The values are never echoed back: the form is rendered from the situation fields only.
        return _render_form(
            request,
            values=raw_input(request.POST),
            issues=list(error.issues),
            situation=situation,
            status=400,
        )
    return None


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """Signs and vulnerabilities handed over by the detection aid: ``?signs=a,b&vulnerabilities=c``.

    Unknown codes are dropped; nothing else can be pre-filled this way.
    """
    values: dict[str, Any] = {}
    for name in ("signs", "vulnerabilities"):
        known = load()[name].codes()
        codes = [code for code in request.GET.get(name, "").split(",") if code in known]
        if codes:
            values[name] = codes
    return values


@require_http_methods(["GET", "POST"])
@org_role_required(OrgRole.RECORDER)
def situation_create_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    refused = _identity_refused(request, None)
    if refused:
        return refused
    if request.method == "GET":
        return _render_form(request, values=_prefill(request), issues=[], situation=None)
    data = raw_input(request.POST)
    assert user.organisation is not None
    try:
        situation = situation_create(
            actor=user, organisation=user.organisation, data=data, request=request
        )
    except SituationValidationError as error:
        return _render_form(request, values=data, issues=list(error.issues), situation=None)
    messages.success(
        request,
        format_html(_("Situation {} recorded."), situation.reference),
    )
    return redirect("situations:detail", pk=situation.pk)


@require_http_methods(["GET", "POST"])
@org_role_required(OrgRole.RECORDER)
def situation_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    situation = get_situation_or_404(user, pk)
    refused = _identity_refused(request, situation)
    if refused:
        return refused
    if request.method == "GET":
        _audit_read(request, situation, "edit")
        note = situation_note(actor=user, situation=situation)
        return _render_form(
            request, values=values_of(situation, note), issues=[], situation=situation
        )
    data = raw_input(request.POST)
    try:
        situation_update(actor=user, situation=situation, data=data, request=request)
    except SituationValidationError as error:
        return _render_form(request, values=data, issues=list(error.issues), situation=situation)
    messages.success(request, format_html(_("Situation {} saved."), situation.reference))
    return redirect("situations:detail", pk=situation.pk)


@require_GET
@org_role_required(OrgRole.RECORDER)
@no_identity_in_query
def situation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    situation = get_situation_or_404(user, pk)
    _audit_read(request, situation, "detail")
    dictionary = load()

    def labels(vocabulary: str, codes: list[str]) -> list[str]:
        vocab = dictionary[vocabulary]
        return [vocab.label(code) if code in vocab else code for code in codes]

    lists = [
        (str(LABELS[name]), labels(vocabulary, getattr(situation, name)))
        for name, vocabulary in MULTI_FIELDS.items()
    ]
    return render(
        request,
        "situations/detail.html",
        {
            "situation": situation,
            "arrondissement": dictionary["geography"].label(situation.arrondissement),
            "gender": dictionary["genders"].label(situation.gender),
            "citizenship": dictionary["citizenship_groups"].label(situation.citizenship_group),
            "status": dictionary["statuses"].label(situation.status),
            "lists": lists,
            "note": situation_note(actor=user, situation=situation),
        },
    )


@require_POST
@org_role_required(OrgRole.RECORDER)
def validate_field_view(request: HttpRequest) -> HttpResponse:
    """htmx: the errors of one field, rendered into its live region.

    htmx posts the whole form, so an identity-like field anywhere in it is refused here too.
    """
    try:
        refuse_identity_keys(request, request.POST.get("_field", ""))
    except SituationValidationError as error:
        return render(
            request,
            "situations/_field_errors.html",
            {"errors": sorted({issue.message for issue in error.issues})},
            status=400,
        )
    name = request.POST.get("_field", "")
    if name not in FIELDS:
        return HttpResponse(status=400)
    value: object = (
        request.POST.getlist(name) if name in MULTI_FIELDS else request.POST.get(name, "")
    )
    issues = validate_field(name, value)
    return render(request, "situations/_field_errors.html", {"errors": [i.message for i in issues]})


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    user = request_user(request)
    situations = apply_filters(situations_visible_to(user), parse_filters(request.GET))
    rows = list(situations.order_by("detection_month", "id"))
    codes = request.GET.get("columns") == "codes"
    record_event(
        "situation.export",
        request=request,
        object_type="situation",
        details={"format": kind, "count": len(rows), "columns": "codes" if codes else "readable"},
    )
    language = None if codes else active_language()
    if kind == "csv":
        return exporting.csv_response(rows, language=language)
    return exporting.xlsx_response(rows, language=language)


@require_GET
@org_role_required(OrgRole.RECORDER)
@no_identity_in_query
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@require_GET
@org_role_required(OrgRole.RECORDER)
@no_identity_in_query
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")

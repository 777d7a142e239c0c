"""The editors' pages: the catalogue of courses and sessions, a session's registrations (approve,
refuse, cancel, attendance), the check-in page for a tablet, attendance lists (PDF, CSV, XLSX),
certificates, evaluation results, and one person's data on request (export, erase).

Every page is for the ``editor`` platform role (docs/trainings.md says why no new role); every
write goes through ``services`` and is audited there; exports and lists of people are audited
as reads.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import platform_role_required, request_user
from balise.accounts.models import PlatformRole
from balise.audit.services import record_event, record_read
from balise.core import exports
from balise.core.charts import Chart, bar_chart, grouped_bar_chart
from balise.core.tabular import ImportIssue, ImportRefused
from balise.training import selectors, services
from balise.training.forms import CourseForm, ParticipantForm, PersonForm, SessionForm
from balise.training.models import Registration, Session, Status
from balise.training.partner_list import partner_list_import, read_partner_list
from balise.training.pdf import pdf_response
from balise.training.views import certificate_pdf

editor_required = platform_role_required(PlatformRole.EDITOR)


@require_GET
@editor_required
def course_list(request: HttpRequest) -> HttpResponse:
    courses = list(selectors.courses_for_editors())
    upcoming = list(
        selectors.with_seats(Session.objects.filter(cancelled_at__isnull=True))
        .filter(ends_at__gte=timezone.now())
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    return render(
        request, "training/manage/course_list.html", {"courses": courses, "upcoming": upcoming}
    )


@require_http_methods(["GET", "POST"])
@editor_required
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    course = selectors.course_or_404(pk) if pk is not None else None
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        saved = services.course_save(
            actor=request_user(request), values=form.cleaned_data, course=course, request=request
        )
        messages.success(request, _("Course saved."))
        return redirect("training:course_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "training/manage/course_form.html", {"form": form, "course": course}, status=status
    )


@require_GET
@editor_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_or_404(pk)
    sessions = selectors.with_seats(course.sessions.all()).order_by("-starts_at", "pk")
    return render(
        request,
        "training/manage/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "sectors": [selectors.sector_label(c) for c in course.audience_sectors],
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def session_edit(
    request: HttpRequest, course_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    session = selectors.session_or_404(pk) if pk is not None else None
    course = session.course if session is not None else selectors.course_or_404(course_pk or 0)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.session_save(
                actor=request_user(request),
                values={**form.cleaned_data, "course": course},
                session=session,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect("training:session_manage", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "course": course, "session": session}
    return render(request, "training/manage/session_form.html", context, status=status)


def _registration_rows(session: Session) -> list[dict[str, Any]]:
    rows = []
    for registration in selectors.registrations_of(session):
        registration.session = session
        rows.append({"registration": registration, "actions": _actions_for(registration)})
    return rows


def _actions_for(registration: Registration) -> list[tuple[str, str]]:
    labels = {
        "approve": _("Approve"),
        "refuse": _("Refuse"),
        "cancel": _("Cancel"),
    }
    return [
        (action, label)
        for action, label in labels.items()
        if registration.status in services.TRANSITIONS[action][0]
    ]


@require_GET
@editor_required
def session_manage(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_or_404(pk)
    record_read("training.registrations_viewed", request=request, object_type="training_session")
    return render(
        request,
        "training/manage/session_manage.html",
        {
            "session": session,
            "course": session.course,
            "rows": _registration_rows(session),
            "free": max(session.capacity - getattr(session, "taken", 0), 0),
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add someone from a partner's list (or a registration taken by phone)."""
    session = selectors.session_or_404(pk)
    form = ParticipantForm(request.POST or None, initial={"language": session.language})
    if request.method == "POST" and form.is_valid():
        data = services.RegistrationInput(consent=True, **form.cleaned_data)
        try:
            services.registration_add_by_staff(
                actor=request_user(request), session=session, data=data, request=request
            )
        except services.RegistrationRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Participant added."))
            return redirect("training:session_manage", pk=session.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "session": session, "course": session.course}
    return render(request, "training/manage/participant_form.html", context, status=status)


@require_POST
@editor_required
def participant_import(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner's list (CSV or XLSX): every row added, or none and every problem named."""
    session = selectors.session_or_404(pk)
    upload = request.FILES.get("file")
    issues: list[ImportIssue] = []
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("training:participant_add", pk=session.pk)
    try:
        rows = read_partner_list(upload.read(), session=session)
        added = partner_list_import(
            actor=request_user(request), session=session, rows=rows, request=request
        )
    except ImportRefused as refused:
        issues = refused.issues
    else:
        messages.success(request, _("%(n)s participants added.") % {"n": len(added)})
        return redirect("training:session_manage", pk=session.pk)
    context = {
        "form": ParticipantForm(initial={"language": session.language}),
        "session": session,
        "course": session.course,
        "issues": issues,
    }
    return render(request, "training/manage/participant_form.html", context, status=400)


@require_POST
@editor_required
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_or_404(pk)
    told = services.session_cancel(actor=request_user(request), session=session, request=request)
    messages.success(request, _("Session cancelled; %(n)s people were told.") % {"n": told})
    return redirect("training:session_manage", pk=session.pk)


def _registration_or_404(pk: int) -> Registration:
    try:
        return Registration.objects.select_related("session__course").get(
            pk=pk, erased_at__isnull=True
        )
    except Registration.DoesNotExist:
        raise Http404 from None


@require_POST
@editor_required
def registration_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve, refuse, cancel or mark attendance; htmx requests get the changed row back."""
    registration = _registration_or_404(pk)
    if action not in services.TRANSITIONS:
        raise Http404
    try:
        registration = services.registration_staff_action(
            actor=request_user(request), registration=registration, action=action, request=request
        )
    except services.RegistrationRefused as refused:
        if request.headers.get("HX-Request"):
            return HttpResponse(refused.message, status=409)
        messages.error(request, refused.message)
        return redirect("training:session_manage", pk=registration.session_id)
    if request.headers.get("HX-Request"):
        return render(request, "training/manage/_checkin_row.html", {"registration": registration})
    messages.success(request, _("Registration updated."))
    target = (
        "training:checkin" if request.POST.get("next") == "checkin" else "training:session_manage"
    )
    return redirect(target, pk=registration.session_id)


def _attendees(session: Session) -> list[Registration]:
    return list(
        session.registrations.filter(
            status__in=(Status.REGISTERED, Status.ATTENDED, Status.NO_SHOW),
            erased_at__isnull=True,
        ).order_by("full_name", "pk")
    )


@require_GET
@editor_required
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_or_404(pk)
    people = _attendees(session)
    record_read("training.attendance_viewed", request=request, object_type="training_session")
    return render(
        request,
        "training/manage/checkin.html",
        {
            "session": session,
            "course": session.course,
            "people": people,
            "present": sum(1 for p in people if p.status == Status.ATTENDED),
        },
    )


def _attendance_rows(session: Session) -> list[list[Any]]:
    header = [
        _("Name"),
        _("Organisation"),
        _("Sector"),
        _("Function"),
        _("Email"),
        _("Status"),
    ]
    rows: list[list[Any]] = [header]
    for person in _attendees(session):
        rows.append(
            [
                person.full_name,
                person.organisation,
                selectors.sector_label(person.sector) if person.sector else person.study,
                person.function,
                person.email,
                person.get_status_display(),
            ]
        )
    return rows


@require_GET
@editor_required
def attendance_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    session = selectors.session_or_404(pk)
    if fmt not in {"pdf", "csv", "xlsx"}:
        raise Http404
    record_event(
        "training.attendance_exported",
        request=request,
        object_type="training_session",
        object_id=session.pk,
        details={"format": fmt},
    )
    filename = f"attendance-{session.pk}-{timezone.localtime(session.starts_at):%Y-%m-%d}"
    if fmt == "pdf":
        context = {
            "session": session,
            "course": session.course,
            "people": _attendees(session),
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
        }
        return pdf_response(
            request, "training/attendance_pdf.html", context, filename=f"{filename}.pdf"
        )
    if fmt == "csv":
        return exports.csv_response(_attendance_rows(session), filename=f"{filename}.csv")
    return exports.xlsx_response(
        _attendance_rows(session), filename=f"{filename}.xlsx", sheet="attendance"
    )


@require_GET
@editor_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration_or_404(pk)
    if registration.status != Status.ATTENDED:
        raise Http404  # certificates exist only for people who attended
    record_event(
        "training.certificate_issued",
        request=request,
        object_type="registration",
        object_id=registration.pk,
        details={"session": registration.session_id},
    )
    return certificate_pdf(request, registration)


def _charts(results: selectors.EvaluationResults) -> list[Chart]:
    """The mean per question, and how many gave each score; each with its data table."""
    answered = [s for s in results.scores if s.mean is not None]
    if not answered:
        return []
    return [
        bar_chart(
            title=_("Mean score per question (1 to 5)"),
            items=[(s.label, s.mean or 0) for s in answered],
            chart_id="evaluation-means",
        ),
        grouped_bar_chart(
            title=_("Answers per score"),
            categories=[s.label for s in answered],
            series=[
                (_("Score %(n)s") % {"n": score}, [s.counts[score - 1] for s in answered])
                for score in range(1, 6)
            ],
            chart_id="evaluation-counts",
        ),
    ]


def _results_context(results: selectors.EvaluationResults) -> dict[str, Any]:
    return {"results": results, "charts": _charts(results)}


@require_GET
@editor_required
def session_results(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_or_404(pk)
    context = {
        "session": session,
        "course": session.course,
        **_results_context(selectors.session_evaluation_results(session)),
    }
    return render(request, "training/manage/results.html", context)


@require_GET
@editor_required
def course_results(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_or_404(pk)
    context = {
        "course": course,
        "session": None,
        **_results_context(selectors.course_evaluation_results(course)),
    }
    return render(request, "training/manage/results.html", context)


@require_http_methods(["GET", "POST"])
@editor_required
def person(request: HttpRequest) -> HttpResponse:
    """One person's data, on their request: find by email, download it, or erase it."""
    form = PersonForm(request.POST or request.GET or None)
    found: list[Registration] = []
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"]
        action = request.POST.get("action", "") if request.method == "POST" else ""
        if action == "export":
            data = services.person_export(actor=request_user(request), email=email, request=request)
            response = HttpResponse(data, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="training-person.json"'
            return response
        if action == "erase":
            count = services.person_erase(actor=request_user(request), email=email, request=request)
            messages.success(
                request, _("The data of %(n)s registrations was erased.") % {"n": count}
            )
            return redirect("training:person")
        found = list(selectors.registrations_of_person(email).filter(erased_at__isnull=True))
        record_read("training.person_viewed", request=request, object_type="registration")
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "training/manage/person.html", {"form": form, "found": found}, status=status
    )

"""Public pages of the trainings, for people without an account: upcoming sessions, a session,
the registration form, the privacy notice, and the pages that signed links open (confirm the
address, the personal registration page, the evaluation form).

Links in mails only ever open a page; every change is a POST from a button on it (mail scanners
follow GET links). Refusals say why and change nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from balise.core.ratelimit import allow, client_of
from balise.taxonomy.loader import active_language
from balise.training import selectors, services
from balise.training.forms import EvaluationForm, FilterForm, RegistrationForm
from balise.training.models import Registration, Session, Status
from balise.training.pdf import pdf_response
from balise.training.privacy import PRIVACY_NOTICE_VERSION
from balise.training.tokens import LinkInvalid, Purpose, make_token, read_token

HOUR = 60 * 60


def _session_context(session: Session, *, now: Any = None) -> dict[str, Any]:
    now = now or timezone.now()
    taken = getattr(session, "taken", None)
    if taken is None:
        taken = selectors.seats_taken(session)
    free = max(session.capacity - taken, 0)
    open_ = (
        session.is_published
        and session.cancelled_at is None
        and not session.is_external
        and now < session.registration_deadline
        and now < session.starts_at
    )
    return {
        "session": session,
        "course": session.course,
        "free": free,
        "open": open_,
        "full": free == 0,
        "sectors": [selectors.sector_label(c) for c in session.course.audience_sectors],
        "province": selectors.province_label(session.province) if session.province else "",
        "language_name": selectors.language_label(session.language),
    }


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = selectors.SessionFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.SessionFilters(**form.cleaned_data)
    sessions = [_session_context(s) for s in selectors.upcoming_sessions(filters)]
    return render(request, "training/session_list.html", {"form": form, "sessions": sessions})


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.public_session_or_404(pk)
    return render(request, "training/session_detail.html", _session_context(session))


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/privacy_notice.html",
        {
            "version": PRIVACY_NOTICE_VERSION,
            "retention_months": settings.BALISE_TRAINING_RETENTION_MONTHS,
        },
    )


def _limited(request: HttpRequest, email: str = "") -> bool:
    """True when this client address, or this email address, registered too often this hour."""
    if not allow(
        "training.register.ip",
        client_of(request),
        limit=settings.BALISE_TRAINING_PER_IP_HOUR,
        window=HOUR,
    ):
        return True
    return bool(email) and not allow(
        "training.register.email",
        email.strip().lower(),
        limit=settings.BALISE_TRAINING_PER_EMAIL_HOUR,
        window=HOUR,
    )


@require_http_methods(["GET", "POST"])
@never_cache
def register(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.public_session_or_404(pk)
    context = _session_context(session)
    if not context["open"]:
        return render(request, "training/register_closed.html", context, status=200)
    form = RegistrationForm(request.POST or None, session=session)
    context["form"] = form
    context["privacy_version"] = PRIVACY_NOTICE_VERSION
    if request.method == "GET":
        return render(request, "training/register.html", context)
    if not form.is_valid():
        return render(request, "training/register.html", context, status=400)
    if _limited(request, form.cleaned_data["email"]):
        response = render(request, "training/rate_limited.html", context, status=429)
        response["Retry-After"] = str(HOUR)
        return response
    data = services.RegistrationInput(
        full_name=form.cleaned_data["full_name"],
        email=form.cleaned_data["email"],
        organisation=form.cleaned_data["organisation"],
        sector=form.cleaned_data["sector"],
        study=form.cleaned_data["study"],
        function=form.cleaned_data["function"],
        answers=form.answers,
        consent=form.cleaned_data["consent"],
        language=active_language(),
    )
    try:
        services.registration_create(session=session, data=data)
    except services.RegistrationRefused as refused:
        form.add_error(None, refused.message)
        return render(request, "training/register.html", context, status=400)
    # The same page whether the address was new or already registered: nobody learns from it
    # who registered for what.
    return redirect("training:registered", pk=session.pk)


@require_GET
def registered(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.public_session_or_404(pk)
    return render(request, "training/registered.html", _session_context(session))


def _speak_their_language(request: HttpRequest, registration: Registration) -> None:
    """Pages opened from a mail speak the language the person registered in, unless they chose
    one with the language switcher (its cookie)."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(registration.language)
        request.LANGUAGE_CODE = registration.language


def _link_refused(request: HttpRequest, error: LinkInvalid) -> HttpResponse:
    return render(request, "training/link_invalid.html", {"expired": error.expired}, status=400)


def _refused(request: HttpRequest, message: str, registration: Registration) -> HttpResponse:
    context = {"message": message, "registration": registration}
    return render(request, "training/refused.html", context, status=409)


@require_http_methods(["GET", "POST"])
@never_cache
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link opens this page; its button (a POST) confirms."""
    try:
        registration = read_token(token, Purpose.CONFIRM)
    except LinkInvalid as error:
        return _link_refused(request, error)
    _speak_their_language(request, registration)
    if request.method == "POST":
        try:
            registration = services.registration_confirm(registration=registration)
        except services.RegistrationRefused as refused:
            return _refused(request, refused.message, registration)
        return redirect("training:manage", token=make_token(registration, Purpose.MANAGE))
    context = {"registration": registration, **_session_context(registration.session)}
    return render(request, "training/confirm.html", context)


MANAGE_ACTIONS = {
    "cancel": services.registration_cancel_own,
    "leave": services.registration_cancel_own,
    "take": services.offer_accept,
    "decline": services.offer_decline,
}


@require_http_methods(["GET", "POST"])
@never_cache
def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The personal page: status, waitlist position, and the buttons the status allows."""
    try:
        registration = read_token(token, Purpose.MANAGE)
    except LinkInvalid as error:
        return _link_refused(request, error)
    _speak_their_language(request, registration)
    if request.method == "POST":
        action = MANAGE_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            return _refused(request, _("Unknown action."), registration)
        try:
            action(registration=registration)
        except services.RegistrationRefused as refused:
            return _refused(request, refused.message, registration)
        return redirect(request.path)
    now = timezone.now()
    session = registration.session
    context = {
        "registration": registration,
        "token": token,
        "position": selectors.waitlist_position(registration),
        "can_cancel": registration.status in (Status.REGISTERED, Status.AWAITING_APPROVAL)
        and now < session.cancellation_deadline,
        "can_leave": registration.status in (Status.WAITLISTED, Status.PENDING)
        and now < session.starts_at,
        "offered": registration.status == Status.OFFERED,
        "attended": registration.status == Status.ATTENDED,
        **_session_context(session),
    }
    return render(request, "training/manage.html", context)


@require_GET
@never_cache
def my_certificate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = read_token(token, Purpose.MANAGE)
    except LinkInvalid as error:
        return _link_refused(request, error)
    if registration.status != Status.ATTENDED:
        return _refused(request, _("Certificates are issued to people who attended."), registration)
    return certificate_pdf(request, registration)


def certificate_pdf(request: HttpRequest, registration: Registration) -> HttpResponse:
    session = registration.session
    context = {
        "registration": registration,
        "session": session,
        "course": session.course,
        "starts_at": timezone.localtime(session.starts_at),
        "issued_on": timezone.localdate(),
    }
    return pdf_response(
        request,
        "training/certificate_pdf.html",
        context,
        filename=f"certificate-{session.pk}-{registration.pk}.pdf",
    )


@require_http_methods(["GET", "POST"])
@never_cache
def evaluate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = read_token(token, Purpose.EVALUATE)
    except LinkInvalid as error:
        return _link_refused(request, error)
    _speak_their_language(request, registration)
    form = EvaluationForm(request.POST or None)
    context = {"form": form, "registration": registration, **_session_context(registration.session)}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "training/evaluate.html", context, status=400)
        try:
            services.evaluation_submit(
                registration=registration,
                scores={name: form.cleaned_data[name] for name in EvaluationForm.SCORES},
                comments=form.cleaned_data["comments"],
            )
        except services.RegistrationRefused as refused:
            return _refused(request, refused.message, registration)
        return render(request, "training/evaluated.html", context)
    if hasattr(registration, "evaluation"):
        return render(request, "training/evaluated.html", context)
    return render(request, "training/evaluate.html", context)

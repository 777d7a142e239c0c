"""Detection aid pages: the checklist, its result and PDF summary, and the coordinators' guidance.

The checklist is public and stateless: answers travel in the form (POST), the result is computed
on the fly, and nothing is written (no row, no session, no cookie beyond CSRF).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import platform_role_required
from balise.accounts.models import PlatformRole
from balise.detection import referral
from balise.detection.catalogue import Catalogue, load_catalogue
from balise.detection.forms import RECENCY_CHOICES, SIGN_PREFIX, ChecklistForm, GuidanceForm
from balise.detection.models import GuidanceKey
from balise.detection.pdf import render_pdf
from balise.detection.rule import BANDS, Assessment, Level, Recency, evaluate
from balise.detection.selectors import current_guidance, guidance_history, guidance_overview
from balise.detection.services import guidance_update
from balise.detection.throttle import WINDOW_SECONDS, pdf_allowed, pdf_slot
from balise.taxonomy.loader import active_language


def _level_label(level: str) -> str:
    return str(GuidanceKey(level).label)


def _checklist_context(catalogue: Catalogue, form: ChecklistForm) -> dict[str, Any]:
    checked = form.checked_vulnerabilities()
    return {
        "form": form,
        "vulnerability_sections": [
            (section, [(q, q.code in checked) for q in section.questions])
            for section in catalogue.vulnerability_sections
        ],
        "sign_sections": [
            (section, [(q, form.recency_of(q.code)) for q in section.questions])
            for section in catalogue.sign_sections
        ],
        "recency_choices": RECENCY_CHOICES,
    }


def _hidden_answers(vulnerabilities: list[str], signs: dict[str, str]) -> list[tuple[str, str]]:
    """The answers as (name, value) pairs, so the result's buttons can carry them on."""
    pairs = [("vulnerabilities", code) for code in vulnerabilities]
    pairs += [
        (SIGN_PREFIX + code, recency)
        for code, recency in signs.items()
        if recency != Recency.NOT_OBSERVED
    ]
    return pairs


def _situation_url(request: HttpRequest, assessment: Assessment) -> str:
    """The recording form, pre-filled with these codes, for a signed-in recorder; else ''."""
    user = request.user
    if not (user.is_authenticated and getattr(user, "is_recorder", False)):
        return ""
    try:
        url = reverse("situations:create")
    except NoReverseMatch:  # the recording app is not installed
        return ""
    query = {
        "vulnerabilities": ",".join(
            c.code for c in assessment.contributions if c.kind == "vulnerability"
        ),
        "signs": ",".join(c.code for c in assessment.contributions if c.kind == "sign"),
    }
    return f"{url}?{urlencode({k: v for k, v in query.items() if v})}"


def _result_context(
    request: HttpRequest, catalogue: Catalogue, form: ChecklistForm
) -> dict[str, Any]:
    vulnerabilities, signs = form.vulnerabilities(), form.signs()
    assessment = evaluate(catalogue.indicators, vulnerabilities=vulnerabilities, signs=signs)
    language = active_language()
    recency_labels = dict(RECENCY_CHOICES)
    rows = []
    for contribution in assessment.contributions:
        group = catalogue.group_of(contribution.code)
        indicator = catalogue.indicators[contribution.code]
        rows.append(
            {
                "contribution": contribution,
                "label": catalogue.entries[contribution.code].label(language),
                "group": group.label(language) if group else "",
                "kind": _("Vulnerability") if contribution.kind == "vulnerability" else _("Sign"),
                "significant": indicator.significant,
                "when": recency_labels[contribution.recency.value]
                if contribution.recency
                else _("Present"),
            }
        )
    forced_labels = [catalogue.entries[c.code].label(language) for c in assessment.forced_by]
    bands = [
        (lowest, BANDS[i - 1][0] - 1 if i else None, _level_label(level))
        for i, (lowest, level) in enumerate(BANDS)
    ]
    return {
        "assessment": assessment,
        "level": assessment.level.value,
        "level_label": _level_label(assessment.level),
        "points_level_label": _level_label(assessment.points_level),
        "urgent_label": _level_label(Level.URGENT),
        "rows": rows,
        "forced_labels": forced_labels,
        "bands": list(reversed(bands)),
        "guidance": current_guidance(assessment.level.value, language),
        "contacts": current_guidance(GuidanceKey.CONTACTS, language).contacts,
        "hidden_answers": _hidden_answers(vulnerabilities, signs),
        "situation_url": _situation_url(request, assessment),
        "evaluated_at": timezone.localtime(),
    }


@require_http_methods(["GET", "POST"])
@never_cache
def checklist(request: HttpRequest) -> HttpResponse:
    """GET: the empty checklist. POST: the result, or the checklist again to change answers."""
    catalogue = load_catalogue()
    if request.method == "GET":
        form = ChecklistForm(catalogue=catalogue)
        return render(request, "detection/checklist.html", _checklist_context(catalogue, form))
    form = ChecklistForm(request.POST, catalogue=catalogue)
    valid = form.is_valid()
    if not valid or request.POST.get("action") == "edit":
        context = _checklist_context(catalogue, form)
        return render(request, "detection/checklist.html", context, status=200 if valid else 400)
    return render(request, "detection/result.html", _result_context(request, catalogue, form))


def _pdf_refused(request: HttpRequest, *, busy: bool) -> HttpResponse:
    """429 with a page that says why and what to do (printing the result needs no PDF)."""
    context = {"busy": busy, "per_hour": settings.DETECTION_PDF_PER_HOUR}
    response = render(request, "detection/pdf_limited.html", context, status=429)
    response["Retry-After"] = "10" if busy else str(WINDOW_SECONDS)
    return response


@require_POST
@never_cache
def summary_pdf(request: HttpRequest) -> HttpResponse:
    """The printable summary as a PDF: level, answers and points, next steps; no identity."""
    catalogue = load_catalogue()
    form = ChecklistForm(request.POST, catalogue=catalogue)
    if not form.is_valid():
        context = _checklist_context(catalogue, form)
        return render(request, "detection/checklist.html", context, status=400)
    with pdf_slot() as free:
        if not free:
            return _pdf_refused(request, busy=True)
        if not pdf_allowed(request):
            return _pdf_refused(request, busy=False)
        context = _result_context(request, catalogue, form)
        context["language"] = active_language()
        pdf = render_pdf(request, "detection/summary_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="balise-detection-summary.pdf"'
    return response


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    """Where to refer a child: by postcode or arrondissement, from the services data file."""
    postcode = request.GET.get("postcode", "").strip()[:12]
    arrondissement = request.GET.get("arrondissement", "").strip()[:5]
    language = active_language()
    finding = (
        referral.find(postcode=postcode, arrondissement=arrondissement, language=language)
        if postcode or arrondissement
        else None
    )
    context = {
        "postcode": postcode,
        "arrondissement": arrondissement,
        "finding": finding,
        "arrondissement_groups": referral.arrondissement_choices(language),
        "sources": referral.sources(),
    }
    status = 400 if finding is not None and finding.unknown else 200
    return render(request, "detection/services.html", context, status=status)


@require_GET
@platform_role_required(PlatformRole.ADMIN)
def guidance_list(request: HttpRequest) -> HttpResponse:
    languages = [code for code, _name in settings.LANGUAGES]
    return render(
        request,
        "detection/guidance_list.html",
        {"overview": guidance_overview(languages), "languages": settings.LANGUAGES},
    )


@require_http_methods(["GET", "POST"])
@platform_role_required(PlatformRole.ADMIN)
def guidance_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    if key not in GuidanceKey.values or language not in dict(settings.LANGUAGES):
        raise Http404
    current = current_guidance(key, language)
    data = request.POST if request.method == "POST" else None
    form = GuidanceForm(data, key=key, initial={"body": current.body})
    if request.method == "POST" and form.is_valid():
        saved = guidance_update(
            key=key,
            language=language,
            body=form.cleaned_data["body"],
            actor=request.user,  # type: ignore[arg-type]  # the role gate ensures a User
            request=request,
        )
        if saved is None:
            messages.info(request, _("Nothing changed; no new version was saved."))
        else:
            messages.success(request, _("Version %(n)s saved.") % {"n": saved.version})
        return redirect("detection:guidance_edit", key=key, language=language)
    return render(
        request,
        "detection/guidance_edit.html",
        {
            "form": form,
            "key": key,
            "key_label": GuidanceKey(key).label,
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "current": current,
            "history": guidance_history(key, language).order_by("-version"),
        },
        status=400 if request.method == "POST" else 200,
    )

"""The public catalogue (anyone, in their language) and the editors' publication pages.

Public pages read ``publications_visible_to(user)``: a draft answers 404 to everyone but editors.
Writes go through ``services``; PDFs are checked there before anything is stored.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.accounts.access import platform_role_required, request_user
from balise.accounts.models import PlatformRole
from balise.publications import files
from balise.publications.forms import CatalogueForm, PublicationForm, VersionForm, topic_label
from balise.publications.models import LANGUAGE_CODES, LANGUAGES, Kind, Publication
from balise.publications.pdfcheck import PdfRefused
from balise.publications.selectors import (
    CatalogueFilters,
    catalogue,
    catalogue_years,
    get_publication_or_404,
    publications_visible_to,
)
from balise.publications.services import (
    PublicationData,
    checked_upload,
    publication_create,
    publication_publish,
    publication_unpublish,
    publication_update,
    publication_version_save,
)

PAGE_SIZE = 20
editor_required = platform_role_required(PlatformRole.EDITOR)


def _language() -> str:
    code = (translation.get_language() or "fr")[:2]
    return code if code in LANGUAGE_CODES else "fr"


def _card(publication: Publication, language: str) -> dict[str, Any]:
    version = publication.version_in(language)
    return {
        "publication": publication,
        "version": version,
        "kind": Kind(publication.kind).label,
        "other_languages": [v for v in publication.versions.all() if v is not version],
        "topics": [topic_label(topic.key) for topic in publication.topics.all()],
    }


@require_GET
def catalogue_view(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET or None, years=catalogue_years())
    filters = CatalogueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = CatalogueFilters(
            kind=data["kind"] or "",
            topic=data["topic"] or "",
            year=data["year"],
            language=data["language"] or "",
            query=data["q"] or "",
        )
    page = Paginator(catalogue(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    language = _language()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "publications/catalogue.html",
        {
            "form": form,
            "page": page,
            "cards": [_card(publication, language) for publication in page.object_list],
            "filtered": any(
                [filters.kind, filters.topic, filters.year, filters.language, filters.query]
            ),
            "query_string": query.urlencode(),
            "feed_url": reverse("publications:feed", args=[language]),
        },
    )


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    escaped = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(escaped)  # noqa: S308 - JSON with <, > and & escaped cannot close the script


def _schema(request: HttpRequest, publication: Publication, language: str) -> dict[str, Any]:
    versions = list(publication.versions.all())
    main = publication.version_in(language)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Report" if publication.kind != Kind.TOOL else "CreativeWork",
        "name": main.title if main else "",
        "abstract": main.abstract if main else "",
        "datePublished": publication.published_on.isoformat(),
        "inLanguage": [version.language for version in versions],
        "genre": str(Kind(publication.kind).label),
        "url": request.build_absolute_uri(reverse("publications:detail", args=[publication.pk])),
        "author": [
            {"@type": "Person", "name": name.strip()}
            for name in publication.authors.split(",")
            if name.strip()
        ],
        "publisher": {"@type": "Organization", "name": "Balise"},
        "about": [topic_label(topic.key) for topic in publication.topics.all()],
        "encoding": [
            {
                "@type": "MediaObject",
                "encodingFormat": "application/pdf",
                "inLanguage": version.language,
                "contentUrl": request.build_absolute_uri(
                    reverse("publications:pdf", args=[publication.pk, version.language])
                ),
                "contentSize": f"{version.pdf_size} B",
            }
            for version in versions
            if version.has_pdf
        ],
    }
    if publication.legal_deposit:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "Belgian legal deposit",
            "value": publication.legal_deposit,
        }
    return data


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_publication_or_404(request.user, pk)
    language = _language()
    card = _card(publication, language)
    return render(
        request,
        "publications/detail.html",
        {
            **card,
            "versions": list(publication.versions.all()),
            "json_ld": json_ld(_schema(request, publication, language)),
            "language_names": dict(LANGUAGES),
        },
    )


def _stored_file(request: HttpRequest, pk: int, language: str, *, cover: bool) -> FileResponse:
    publication = get_publication_or_404(request.user, pk)
    version = next((v for v in publication.versions.all() if v.language == language), None)
    if version is None or not version.has_pdf:
        raise Http404
    name = version.cover_name if cover else version.pdf_name
    try:
        handle = open(files.path_of(name), "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, ValueError):
        raise Http404 from None
    if cover:
        response = FileResponse(handle, content_type="image/png")
    else:
        response = FileResponse(
            handle,
            content_type="application/pdf",
            as_attachment=False,
            filename=f"balise-publication-{publication.pk}-{language}.pdf",
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def pdf(request: HttpRequest, pk: int, language: str) -> FileResponse:
    return _stored_file(request, pk, language, cover=False)


@require_GET
def cover(request: HttpRequest, pk: int, language: str) -> FileResponse:
    return _stored_file(request, pk, language, cover=True)


# --- Editors ---


@require_GET
@editor_required
def manage(request: HttpRequest) -> HttpResponse:
    publications = publications_visible_to(request_user(request)).order_by("-published_on", "-pk")
    page = Paginator(publications, PAGE_SIZE).get_page(request.GET.get("page"))
    language = _language()
    return render(
        request,
        "publications/manage.html",
        {"page": page, "cards": [_card(p, language) for p in page.object_list]},
    )


def _data(form: PublicationForm) -> PublicationData:
    data = form.cleaned_data
    return PublicationData(
        kind=data["kind"],
        authors=data["authors"],
        published_on=data["published_on"],
        legal_deposit=data["legal_deposit"],
        topics=tuple(data["topics"]),
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
@editor_required
def create(request: HttpRequest) -> HttpResponse:
    form = PublicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publication = publication_create(
                actor=request_user(request), data=_data(form), request=request
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Publication created. Add a version in each language."))
            return redirect("publications:edit", pk=publication.pk)
    return render(request, "publications/form.html", {"form": form, "publication": None})


@require_http_methods(["GET", "POST"])
@editor_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_publication_or_404(request_user(request), pk)
    form = PublicationForm(request.POST or None, initial=PublicationForm.initial_of(publication))
    if request.method == "POST" and form.is_valid():
        try:
            publication_update(
                actor=request_user(request),
                publication=publication,
                data=_data(form),
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Publication saved."))
            return redirect("publications:edit", pk=publication.pk)
    versions = {v.language: v for v in publication.versions.all()}
    return render(
        request,
        "publications/form.html",
        {
            "form": form,
            "publication": publication,
            "versions": [(code, name, versions.get(code)) for code, name in LANGUAGES],
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def version_edit(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    publication = get_publication_or_404(request_user(request), pk)
    if language not in LANGUAGE_CODES:
        raise Http404
    version = next((v for v in publication.versions.all() if v.language == language), None)
    initial = {"title": version.title, "abstract": version.abstract} if version else {}
    form = VersionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["pdf"]
        try:
            checked = None
            if upload:
                if upload.size > _max_bytes():
                    raise PdfRefused(
                        _("The file is larger than %(limit)s MB.")
                        % {"limit": f"{_max_bytes() / 1e6:.0f}"}
                    )
                checked = checked_upload(upload.read())
            if checked is None and (version is None or not version.has_pdf):
                raise PdfRefused(_("Choose the PDF file of this version."))
            publication_version_save(
                actor=request_user(request),
                publication=publication,
                language=language,
                title=form.cleaned_data["title"],
                abstract=form.cleaned_data["abstract"],
                pdf=checked,
                request=request,
            )
        except PdfRefused as refusal:
            form.add_error("pdf", str(refusal))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Version saved."))
            return redirect("publications:edit", pk=publication.pk)
    return render(
        request,
        "publications/version_form.html",
        {
            "form": form,
            "publication": publication,
            "version": version,
            "language_name": dict(LANGUAGES)[language],
            "language": language,
        },
        status=400 if form.errors else 200,
    )


def _max_bytes() -> int:
    from django.conf import settings

    return int(settings.BALISE_PUBLICATION_MAX_BYTES)


@require_POST
@editor_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_publication_or_404(request_user(request), pk)
    try:
        publication_publish(actor=request_user(request), publication=publication, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Publication published."))
    return redirect("publications:edit", pk=publication.pk)


@require_POST
@editor_required
def unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_publication_or_404(request_user(request), pk)
    publication_unpublish(actor=request_user(request), publication=publication, request=request)
    messages.success(request, _("Publication back to draft: it is no longer public."))
    return redirect("publications:edit", pk=publication.pk)

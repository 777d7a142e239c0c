"""Writes to publications: editors only, validated, atomic, audited (ids, never content).

An uploaded PDF is checked whole (``pdfcheck``) before anything is written; its file and cover
are then written under generated names, and removed again if the database write fails, so a
refused or failed upload leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.publications import files
from balise.publications.models import (
    LANGUAGE_CODES,
    Kind,
    Publication,
    PublicationVersion,
    Topic,
    validate_legal_deposit,
)
from balise.publications.pdfcheck import CheckedPdf, check_pdf
from balise.publications.search import search_words
from balise.taxonomy.loader import load


def _check_editor(actor: User) -> None:
    if not (actor.is_active and actor.is_editor):
        raise PermissionDenied("not an editor")


@dataclass(frozen=True)
class PublicationData:
    kind: str
    authors: str
    published_on: date
    legal_deposit: str
    topics: tuple[str, ...]  # "forms:<code>" or "sectors:<code>"


def _validate(data: PublicationData) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if data.kind not in Kind.values:
        errors["kind"] = [ValidationError(_("Choose a kind of publication."))]
    if data.legal_deposit:
        try:
            validate_legal_deposit(data.legal_deposit)
        except ValidationError as exc:
            errors["legal_deposit"] = [exc]
    dictionary = load()
    for key in data.topics:
        vocabulary, _sep, code = key.partition(":")
        if vocabulary not in Topic.Vocabulary.values or code not in dictionary[vocabulary]:
            errors.setdefault("topics", []).append(
                ValidationError(_("%(topic)s is not a topic of the dictionary.") % {"topic": key})
            )
    if errors:
        raise ValidationError(errors)


def _set_topics(publication: Publication, topics: Iterable[str]) -> None:
    publication.topics.all().delete()
    Topic.objects.bulk_create(
        Topic(publication=publication, vocabulary=key.partition(":")[0], code=key.partition(":")[2])
        for key in sorted(set(topics))
    )


def publication_create(
    *, actor: User, data: PublicationData, request: HttpRequest | None = None
) -> Publication:
    _check_editor(actor)
    _validate(data)
    with transaction.atomic():
        publication = Publication.objects.create(
            kind=data.kind,
            authors=data.authors.strip(),
            published_on=data.published_on,
            legal_deposit=data.legal_deposit.strip(),
            created_by=actor,
        )
        _set_topics(publication, data.topics)
        record_event(
            "publication.created",
            request=request,
            actor=actor,
            object_type="publication",
            object_id=publication.pk,
            details={"kind": publication.kind},
        )
    return publication


def publication_update(
    *,
    actor: User,
    publication: Publication,
    data: PublicationData,
    request: HttpRequest | None = None,
) -> Publication:
    _check_editor(actor)
    _validate(data)
    with transaction.atomic():
        publication.kind = data.kind
        publication.authors = data.authors.strip()
        publication.published_on = data.published_on
        publication.legal_deposit = data.legal_deposit.strip()
        publication.updated_at = timezone.now()
        publication.save(
            update_fields=["kind", "authors", "published_on", "legal_deposit", "updated_at"]
        )
        _set_topics(publication, data.topics)
        record_event(
            "publication.updated",
            request=request,
            actor=actor,
            object_type="publication",
            object_id=publication.pk,
        )
    return publication


def checked_upload(content: bytes) -> CheckedPdf:
    """Check an upload against the size limit and the PDF rules; raises PdfRefused."""
    return check_pdf(content, max_bytes=settings.BALISE_PUBLICATION_MAX_BYTES)


def publication_version_save(
    *,
    actor: User,
    publication: Publication,
    language: str,
    title: str,
    abstract: str,
    pdf: CheckedPdf | None = None,
    request: HttpRequest | None = None,
) -> PublicationVersion:
    """Create or change the version in ``language``; a checked PDF replaces the previous one."""
    _check_editor(actor)
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": [_("Choose French, Dutch or English.")]})
    if not title.strip():
        raise ValidationError({"title": [_("A title is required.")]})
    written: list[str] = []
    if pdf is not None:
        pdf_name, cover_name = files.new_name("pdf"), files.new_name("png")
        files.write(pdf_name, pdf.content)
        written.append(pdf_name)
        files.write(cover_name, pdf.cover_png)
        written.append(cover_name)
    try:
        with transaction.atomic():
            version = (
                PublicationVersion.objects.select_for_update()
                .filter(publication=publication, language=language)
                .first()
            ) or PublicationVersion(publication=publication, language=language)
            replaced = (version.pdf_name, version.cover_name) if pdf is not None else ()
            version.title = title.strip()
            version.abstract = abstract.strip()
            if pdf is not None:
                version.pdf_name, version.cover_name = written
                version.pdf_size = len(pdf.content)
                version.pdf_sha256 = pdf.sha256
                version.page_count = pdf.page_count
                version.pdf_text = pdf.text
            version.search_words = search_words(version.title, version.abstract, version.pdf_text)
            version.updated_at = timezone.now()
            version.save()
            record_event(
                "publication.version_saved",
                request=request,
                actor=actor,
                object_type="publication",
                object_id=publication.pk,
                details={
                    "language": language,
                    "pdf_sha256": pdf.sha256 if pdf is not None else "",
                    "pages": version.page_count,
                },
            )
            if replaced:
                transaction.on_commit(lambda: files.remove(*replaced))
    except BaseException:
        files.remove(*written)
        raise
    return version


def publication_publish(
    *, actor: User, publication: Publication, request: HttpRequest | None = None
) -> Publication:
    """Publish: the publication needs at least one version with a title."""
    _check_editor(actor)
    with transaction.atomic():
        publication = Publication.objects.select_for_update().get(pk=publication.pk)
        if not publication.versions.exists():
            raise ValidationError(_("Add at least one language version before publishing."))
        if publication.is_published:
            return publication
        publication.status = Publication.Status.PUBLISHED
        publication.published_at = timezone.now()
        publication.save(update_fields=["status", "published_at"])
        record_event(
            "publication.published",
            request=request,
            actor=actor,
            object_type="publication",
            object_id=publication.pk,
            details={"languages": sorted(v.language for v in publication.versions.all())},
        )
    return publication


def publication_unpublish(
    *, actor: User, publication: Publication, request: HttpRequest | None = None
) -> Publication:
    """Back to draft: the public pages, files and feeds no longer show it."""
    _check_editor(actor)
    with transaction.atomic():
        publication = Publication.objects.select_for_update().get(pk=publication.pk)
        if not publication.is_published:
            return publication
        publication.status = Publication.Status.DRAFT
        publication.save(update_fields=["status"])
        record_event(
            "publication.unpublished",
            request=request,
            actor=actor,
            object_type="publication",
            object_id=publication.pk,
        )
    return publication

"""Real PDFs for the publication tests (WeasyPrint, cached per text) and publications made
through the services, as an editor would."""

from __future__ import annotations

import io
from datetime import date
from functools import cache

from django.utils.html import escape
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from balise.accounts.models import User
from balise.publications.models import Kind, Publication
from balise.publications.pdfcheck import CheckedPdf
from balise.publications.services import (
    PublicationData,
    checked_upload,
    publication_create,
    publication_publish,
    publication_version_save,
)


@cache
def make_pdf(text: str, pages: int = 1) -> bytes:
    """A real PDF with ``text`` on its first page (and ``pages`` pages in all)."""
    from weasyprint import HTML

    body = "".join(
        f'<section style="break-after: page"><h1>Page {n + 1}</h1><p>{escape(text)}</p></section>'
        for n in range(pages)
    )
    return bytes(HTML(string=f"<html><body>{body}</body></html>").write_pdf())


@cache
def checked_pdf(text: str) -> CheckedPdf:
    """A PDF already checked (the check is what a test of the catalogue need not repeat)."""
    return checked_upload(make_pdf(text))


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf("secret")))
    writer.encrypt("a password")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_with_open_action_script() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf("scripted")))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_publication(
    editor: User,
    *,
    versions: dict[str, tuple[str, str, str]],  # language -> (title, abstract, text of the PDF)
    kind: str = Kind.STUDY,
    published_on: date = date(2026, 3, 10),
    topics: tuple[str, ...] = (),
    authors: str = "A. Auteur, B. Schrijver",
    legal_deposit: str = "",
    publish: bool = True,
) -> Publication:
    publication = publication_create(
        actor=editor,
        data=PublicationData(
            kind=kind,
            authors=authors,
            published_on=published_on,
            legal_deposit=legal_deposit,
            topics=topics,
        ),
    )
    for language, (title, abstract, text) in versions.items():
        publication_version_save(
            actor=editor,
            publication=publication,
            language=language,
            title=title,
            abstract=abstract,
            pdf=checked_pdf(text),
        )
    if publish:
        publication = publication_publish(actor=editor, publication=publication)
    return publication

"""Uploading a publication's PDF: the bad-file corpus is refused with a clear message and
leaves nothing behind; a real PDF is stored under a generated name with its page count, cover
and text, and served with the right headers."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from balise.audit.models import AuditEvent
from balise.publications.models import Publication, PublicationVersion
from balise.publications.services import (
    PublicationData,
    checked_upload,
    publication_create,
    publication_version_save,
)
from tests.conftest import Personas, login_verified
from tests.publications.helpers import (
    encrypted_pdf,
    make_pdf,
    make_publication,
    pdf_with_open_action_script,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _draft(personas: Personas) -> Publication:
    return publication_create(
        actor=personas.editor,
        data=PublicationData(
            kind="study",
            authors="",
            published_on=date(2026, 1, 5),
            legal_deposit="",
            topics=(),
        ),
    )


def _upload(client: Client, publication: Publication, content: bytes, name: str = "x.pdf") -> str:
    response = client.post(
        reverse("publications:version_edit", args=[publication.pk, "fr"]),
        {"title": "Étude", "abstract": "Résumé", "pdf": SimpleUploadedFile(name, content)},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400, response.status_code
    return response.content.decode()


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*")) if folder.exists() else []


def _truncated() -> bytes:
    content = make_pdf("complete document")
    return content[: len(content) // 2]


def _page_open_script() -> bytes:
    """A page whose additional action (/AA /O, on opening the page) runs a script."""
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf("page action")))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


CORPUS = {
    "empty": (b"", "file is empty."),
    "renamed executable": (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "This file is not a PDF"),
    "truncated": (_truncated, "damaged or incomplete"),
    "encrypted": (encrypted_pdf, "encrypted or password-protected"),
    "open action script": (pdf_with_open_action_script, "contains JavaScript"),
    "page action script": (_page_open_script, "contains JavaScript"),
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_it_refuses_the_bad_file_and_stores_nothing(
    case: str, personas: Personas, client: Client, publication_dir: Path
) -> None:
    source, message = CORPUS[case]
    content = source() if callable(source) else source
    assert isinstance(content, bytes)
    publication = _draft(personas)
    login_verified(client, personas.editor)

    page = _upload(client, publication, content)

    assert message in page.replace("&#x27;", "'")
    assert not PublicationVersion.objects.exists()
    assert _files(publication_dir) == []
    assert not AuditEvent.objects.filter(action="publication.version_saved").exists()


def test_it_refuses_a_file_over_the_size_limit(
    personas: Personas, client: Client, publication_dir: Path, settings: LazySettings
) -> None:
    content = make_pdf("a large study")
    settings.BALISE_PUBLICATION_MAX_BYTES = len(content) - 1
    publication = _draft(personas)
    login_verified(client, personas.editor)

    page = _upload(client, publication, content)

    assert "larger than" in page
    assert not PublicationVersion.objects.exists()
    assert _files(publication_dir) == []


def test_it_stores_a_real_pdf_with_pages_cover_and_text(
    personas: Personas, client: Client, publication_dir: Path
) -> None:
    publication = _draft(personas)
    login_verified(client, personas.editor)
    content = make_pdf("Le mot quinconce est dans le fichier.", pages=3)

    response = client.post(
        reverse("publications:version_edit", args=[publication.pk, "fr"]),
        {
            "title": "Étude",
            "abstract": "",
            "pdf": SimpleUploadedFile("../../evil name.pdf", content),
        },
    )

    assert response.status_code == 302
    version = PublicationVersion.objects.get()
    assert version.page_count == 3
    assert "quinconce" in version.pdf_text
    assert version.pdf_size == len(content)
    stored = _files(publication_dir)
    assert [p.name for p in stored] == sorted([version.pdf_name, version.cover_name])
    assert "evil" not in version.pdf_name
    assert (publication_dir / version.pdf_name).read_bytes() == content
    assert (publication_dir / version.cover_name).read_bytes().startswith(PNG_MAGIC)
    assert AuditEvent.objects.filter(
        action="publication.version_saved", object_id=str(publication.pk)
    ).exists()


def test_it_replaces_the_previous_file(
    personas: Personas, publication_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    publication = make_publication(
        personas.editor, versions={"fr": ("Titre", "", "première version")}, publish=False
    )
    first = PublicationVersion.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        publication_version_save(
            actor=personas.editor,
            publication=publication,
            language="fr",
            title="Titre",
            abstract="",
            pdf=checked_upload(make_pdf("seconde version")),
        )

    second = PublicationVersion.objects.get()
    names = {p.name for p in _files(publication_dir)}
    assert names == {second.pdf_name, second.cover_name}
    assert first.pdf_name not in names


def test_it_serves_the_pdf_and_cover_with_safe_headers(personas: Personas, client: Client) -> None:
    publication = make_publication(personas.editor, versions={"nl": ("Studie", "", "inhoud")})

    response = client.get(reverse("publications:pdf", args=[publication.pk, "nl"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="balise-publication-{publication.pk}-nl.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    cover = client.get(reverse("publications:cover", args=[publication.pk, "nl"]))
    assert cover["Content-Type"] == "image/png"
    assert b"".join(cover.streaming_content).startswith(PNG_MAGIC)  # type: ignore[attr-defined]
    assert client.get(reverse("publications:pdf", args=[publication.pk, "fr"])).status_code == 404


def test_it_hides_a_drafts_files_from_everyone_but_editors(
    personas: Personas, client: Client
) -> None:
    publication = make_publication(
        personas.editor, versions={"fr": ("Brouillon", "", "texte")}, publish=False
    )
    url = reverse("publications:pdf", args=[publication.pk, "fr"])

    assert client.get(url).status_code == 404
    login_verified(client, personas.analyst)
    assert client.get(url).status_code == 404
    login_verified(client, personas.editor)
    assert client.get(url).status_code == 200

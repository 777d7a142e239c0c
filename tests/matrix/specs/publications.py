"""Access specs of the publications: a public catalogue, pages, files and feeds; editors manage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from balise.publications.models import Publication
from balise.publications.services import (
    PublicationData,
    publication_create,
    publication_publish,
    publication_version_save,
)
from tests.conftest import Personas
from tests.matrix.harness import EDITORS, EVERYONE, UrlSpec
from tests.publications.helpers import checked_pdf

METADATA = {"kind": "study", "published_on": "2026-02-03", "authors": "A. Auteur"}


def _draft(p: Personas) -> Publication:
    return publication_create(
        actor=p.editor,
        data=PublicationData(
            kind="study", authors="", published_on=date(2026, 2, 3), legal_deposit="", topics=()
        ),
    )


def _with_pdf(p: Personas) -> Publication:
    publication = _draft(p)
    publication_version_save(
        actor=p.editor,
        publication=publication,
        language="fr",
        title="Étude",
        abstract="",
        pdf=checked_pdf("matrice"),
    )
    return publication


def _published(p: Personas) -> Mapping[str, Any]:
    return {"pk": publication_publish(actor=p.editor, publication=_with_pdf(p)).pk}


def _published_file(p: Personas) -> Mapping[str, Any]:
    return {**_published(p), "language": "fr"}


SPECS = [
    UrlSpec("publications:catalogue", {"GET": EVERYONE}),
    UrlSpec("publications:feed", {"GET": EVERYONE}, kwargs=lambda p: {"language": "fr"}),
    UrlSpec("publications:detail", {"GET": EVERYONE}, kwargs=_published),
    UrlSpec("publications:pdf", {"GET": EVERYONE}, kwargs=_published_file),
    UrlSpec("publications:cover", {"GET": EVERYONE}, kwargs=_published_file),
    UrlSpec("publications:manage", {"GET": EDITORS}),
    UrlSpec("publications:create", {"GET": EDITORS, "POST": EDITORS}, data=lambda p: METADATA),
    UrlSpec(
        "publications:edit",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=lambda p: {"pk": _draft(p).pk},
        data=lambda p: METADATA,
    ),
    UrlSpec(
        "publications:version_edit",
        {"GET": EDITORS, "POST": EDITORS},
        kwargs=lambda p: {"pk": _with_pdf(p).pk, "language": "fr"},
        data=lambda p: {"title": "Nouveau titre", "abstract": ""},
    ),
    UrlSpec("publications:publish", {"POST": EDITORS}, kwargs=lambda p: {"pk": _with_pdf(p).pk}),
    UrlSpec("publications:unpublish", {"POST": EDITORS}, kwargs=_published),
]

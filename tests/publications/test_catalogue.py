"""The public catalogue: published only, filters, full-text search (titles, abstracts and the
PDFs' text, in each language, on SQLite and PostgreSQL), the page per publication with its
JSON-LD, and the Atom feed per language."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from balise.publications.models import Kind, Publication
from tests.conftest import Personas, login_verified
from tests.publications.helpers import make_publication

ATOM = "{http://www.w3.org/2005/Atom}"

# A word per language that appears only inside that language's PDF (never in a title or an
# abstract), inflected as people write it; the query uses another form of it.
PDF_ONLY = {
    "fr": ("Les éducatrices signalent une disparition inquiétante.", "disparition"),
    "nl": ("De jeugdhulpverleners melden verontrustende verdwijningen.", "verdwijningen"),
    "en": ("Social workers report worrying disappearances.", "disappearances"),
}


def _titles(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("publications:catalogue"), params)
    assert response.status_code == 200
    return [card["version"].title for card in response.context["cards"]]


@pytest.fixture
def catalogue(personas: Personas) -> dict[str, Publication]:
    editor = personas.editor
    return {
        "study": make_publication(
            editor,
            versions={
                "fr": ("Étude sur l'exploitation en ligne", "Résumé de l'étude", PDF_ONLY["fr"][0]),
                "nl": ("Studie over online uitbuiting", "Samenvatting", PDF_ONLY["nl"][0]),
            },
            kind=Kind.STUDY,
            published_on=date(2025, 11, 3),
            topics=("forms:online_sextortion", "sectors:police"),
        ),
        "tool": make_publication(
            editor,
            versions={"en": ("Screening tool", "A checklist for schools", PDF_ONLY["en"][0])},
            kind=Kind.TOOL,
            published_on=date(2026, 2, 1),
            topics=("sectors:school",),
        ),
        "draft": make_publication(
            editor,
            versions={"fr": ("Brouillon secret", "Pas encore public", "disparitions")},
            publish=False,
        ),
    }


def test_it_lists_published_publications_only(
    catalogue: dict[str, Publication], client: Client
) -> None:
    titles = _titles(client)
    assert titles == ["Screening tool", "Étude sur l'exploitation en ligne"]


def test_it_shows_each_publication_in_the_visitors_language(
    catalogue: dict[str, Publication], client: Client
) -> None:
    response = client.get(reverse("publications:catalogue"), headers={"accept-language": "nl"})
    titles = [card["version"].title for card in response.context["cards"]]
    assert titles == ["Screening tool", "Studie over online uitbuiting"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "tool"}, ["Screening tool"]),
        ({"topic": "forms:online_sextortion"}, ["Étude sur l'exploitation en ligne"]),
        ({"topic": "sectors:school"}, ["Screening tool"]),
        ({"year": "2025"}, ["Étude sur l'exploitation en ligne"]),
        ({"language": "en"}, ["Screening tool"]),
        ({"language": "nl"}, ["Étude sur l'exploitation en ligne"]),
        ({"kind": "study", "year": "2026"}, []),
        ({"q": "checklist"}, ["Screening tool"]),
        ({"q": "EXPLOITATION"}, ["Étude sur l'exploitation en ligne"]),
    ],
)
def test_it_filters(
    catalogue: dict[str, Publication], client: Client, params: dict[str, str], expected: list[str]
) -> None:
    assert _titles(client, **params) == expected


@pytest.mark.parametrize("language", sorted(PDF_ONLY))
def test_it_finds_a_word_that_appears_only_inside_a_pdf(
    catalogue: dict[str, Publication], client: Client, language: str
) -> None:
    word = PDF_ONLY[language][1]
    expected = "Screening tool" if language == "en" else "Étude sur l'exploitation en ligne"

    assert _titles(client, q=word) == [expected]
    assert _titles(client, q=word, language=language) == [expected]
    assert _titles(client, q="zyzzyva") == []


def test_it_folds_accents_and_case_in_search(
    catalogue: dict[str, Publication], client: Client
) -> None:
    assert _titles(client, q="ETUDE") == ["Étude sur l'exploitation en ligne"]


def test_it_keeps_the_number_of_queries_flat(personas: Personas, client: Client) -> None:
    make_publication(personas.editor, versions={"fr": ("Un", "", "texte un")})
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("publications:catalogue"))
    for n in range(3):
        make_publication(personas.editor, versions={"fr": (f"Autre {n}", "", "texte")})
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("publications:catalogue"))
    assert len(four) == len(one)


def test_it_links_the_feed_of_the_visitors_language(
    catalogue: dict[str, Publication], client: Client
) -> None:
    page = client.get(reverse("publications:catalogue"), headers={"accept-language": "nl"})
    html = page.content.decode()
    feed = reverse("publications:feed", args=["nl"])
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html
    assert re.search(rf'<a href="{re.escape(feed)}"[^>]*>', html)


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("fr", ["Étude sur l'exploitation en ligne"]),
        ("nl", ["Studie over online uitbuiting"]),
        ("en", ["Screening tool"]),
    ],
)
def test_it_serves_an_atom_feed_per_language(
    catalogue: dict[str, Publication], client: Client, language: str, titles: list[str]
) -> None:
    response = client.get(reverse("publications:feed", args=[language]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    assert root.tag == f"{ATOM}feed"
    assert [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")] == titles
    link = next(root.iter(f"{ATOM}entry")).find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").startswith("http://testserver/publications/")


def test_it_answers_404_for_a_feed_in_another_language(client: Client, db: None) -> None:
    assert client.get(reverse("publications:feed", args=["de"])).status_code == 404


def test_it_describes_a_publication_in_json_ld(
    catalogue: dict[str, Publication], client: Client
) -> None:
    publication = catalogue["study"]
    response = client.get(reverse("publications:detail", args=[publication.pk]))

    html = response.content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Étude sur l'exploitation en ligne"
    assert data["datePublished"] == "2025-11-03"
    assert data["inLanguage"] == ["fr", "nl"]
    assert [a["name"] for a in data["author"]] == ["A. Auteur", "B. Schrijver"]
    assert {e["inLanguage"] for e in data["encoding"]} == {"fr", "nl"}
    assert all(e["encodingFormat"] == "application/pdf" for e in data["encoding"])


def test_it_hides_a_draft_page_from_everyone_but_editors(
    catalogue: dict[str, Publication], client: Client, personas: Personas
) -> None:
    url = reverse("publications:detail", args=[catalogue["draft"].pk])
    assert client.get(url).status_code == 404
    login_verified(client, personas.recorder_a)
    assert client.get(url).status_code == 404
    login_verified(client, personas.editor)
    assert client.get(url).status_code == 200


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemming: PostgreSQL's configurations"
)
@pytest.mark.parametrize(
    ("query", "title"),
    [
        # Forms that are no prefix of the PDF's words: found by their stems only.
        ("disparitions", "Étude sur l'exploitation en ligne"),  # "disparition" in the French PDF
        ("verdwijnen", "Étude sur l'exploitation en ligne"),  # "verdwijningen" in the Dutch PDF
        ("worried", "Screening tool"),  # "worrying" in the English PDF
    ],
)
def test_it_stems_each_language_on_postgresql(
    catalogue: dict[str, Publication], client: Client, query: str, title: str
) -> None:
    assert _titles(client, q=query) == [title]

"""The public home page links the publications in the visitor's language; editors also get the
way to manage them."""

from __future__ import annotations

from django.test import Client

from tests.conftest import Personas, login_verified


def test_it_links_the_catalogue_for_visitors(client: Client, db: None) -> None:
    html = client.get("/", headers={"accept-language": "nl"}).content.decode()
    assert (
        '<a class="button" href="/publications/">'
        "Analyses, studies, hulpmiddelen en activiteitenverslagen</a>" in html
    )
    assert "/publications/manage/" not in html


def test_it_links_the_editors_pages_for_editors(client: Client, personas: Personas) -> None:
    login_verified(client, personas.editor)
    assert 'href="/publications/manage/"' in client.get("/").content.decode()
    login_verified(client, personas.analyst)
    assert 'href="/publications/manage/"' not in client.get("/").content.decode()

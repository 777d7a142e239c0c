"""Dictionary routes: public, every vocabulary with FR/NL/EN labels."""

from __future__ import annotations

from django.test import Client

from balise.taxonomy.loader import load


def test_it_lists_the_vocabularies(client: Client, db: None) -> None:
    response = client.get("/api/v1/dictionary")
    assert response.status_code == 200
    body = response.json()
    dictionary = load()
    assert body["version"] == dictionary.version
    assert [v["name"] for v in body["vocabularies"]] == list(dictionary.vocabularies)


def test_it_gives_one_vocabulary_with_labels(client: Client, db: None) -> None:
    body = client.get("/api/v1/dictionary/genders").json()
    girl = next(e for e in body["entries"] if e["code"] == "girl")
    assert girl["labels"] == {
        "fr": "Fille",
        "nl": "Meisje",
        "en": load()["genders"].label("girl", "en"),
    }


def test_it_answers_404_for_an_unknown_vocabulary(client: Client, db: None) -> None:
    response = client.get("/api/v1/dictionary/nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_it_refuses_post(client: Client, db: None) -> None:
    assert client.post("/api/v1/dictionary").status_code == 405

"""The leak detector of the browser tests finds every spelling it promises to find."""

from __future__ import annotations

from balise.linkage.normalise import last_name_forms
from balise.linkage.secret import new_secret
from tests.privacy.leaks import Sent, find_leaks, identity_needles, secret_needles

IDENTITY = {
    "first_name": "Marie-Éloïse",
    "last_name": "Van den Broeckhoven",
    "birth_date": "2011-05-04",
    "sex": "F",
}


def _body(text: str) -> Sent:
    return Sent("http://127.0.0.1/situations/new/", {"accept": "text/html"}, text.encode())


def test_it_finds_names_in_any_case_accent_or_encoding() -> None:
    needles = identity_needles(IDENTITY)
    for body in (
        "first=Marie-%C3%89lo%C3%AFse",
        "x=MARIE+ELOISE",
        "q=eloise",
        "n=van%20den%20broeckhoven",
        "n=VANDENBROECKHOVEN",
    ):
        assert find_leaks([_body(body)], needles), body
    # The spec's normalised forms (folded words, skeletons), whatever the current rules give.
    forms = last_name_forms(IDENTITY["last_name"])
    for form in [*forms.words, *forms.skeletons]:
        assert find_leaks([_body(f"w={form.upper()}")], needles), form


def test_it_finds_the_birth_date_in_any_format() -> None:
    needles = identity_needles(IDENTITY)
    for body in ("d=2011-05-04", "d=04%2F05%2F2011", "d=04.05.2011", "d=20110504", "d=4/5/2011"):
        assert find_leaks([_body(body)], needles), body


def test_it_finds_the_secret_in_a_url_or_header() -> None:
    secret = new_secret()
    needles = secret_needles(secret)
    in_url = Sent(f"http://127.0.0.1/?s={secret.secret.hex().upper()}", {}, b"")
    in_header = Sent("http://127.0.0.1/", {"x-secret": secret.secret.hex()}, b"")
    assert find_leaks([in_url], needles)
    assert find_leaks([in_header], needles)


def test_it_accepts_an_encoded_situation() -> None:
    body = (
        "csrfmiddlewaretoken=abc&detection_month=2025-04&arrondissement=21000"
        "&identity_encoding=AAAQBARAACgPQgAAJtAg%2B%3D&identity_version=1"
        "&identity_key_id=da2474a542abc2f8"
    )
    assert find_leaks([_body(body)], identity_needles(IDENTITY)) == []

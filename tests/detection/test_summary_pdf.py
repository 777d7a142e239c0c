"""The PDF summary: a real PDF, with the level, points and guidance, and no identity field."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

URL = "/detection/summary.pdf"
IDENTITY = {
    "first_name": "Zoéline",
    "last_name": "Vandermeersch",
    "birth_date": "2011-04-17",
    "name": "Quentinou",
}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # Table cells wrap, so compare with runs of white space collapsed.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_it_has_a_stable_url() -> None:
    assert reverse("detection:summary_pdf") == URL


@pytest.mark.django_db
def test_it_returns_a_pdf_without_identity(client: Client) -> None:
    data = {
        "vulnerabilities": ["in_care"],
        "sign_running_away": "last_6_months",
        "sign_sexual_images": "6_to_12_months",
        **IDENTITY,
    }
    response = client.post(URL, data, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"%PDF-")
    assert b"/AcroForm" not in content  # no fillable field at all
    text = pdf_text(content)
    assert "Mild concern" in text  # 1 + 5 + 1 = 7 points
    assert "Running away, especially short and repeated" in text
    assert "Child Focus" in text
    assert "no automated decision" in text
    for value in IDENTITY.values():
        assert value not in text
        assert value.encode() not in content
    assert "Name" not in text
    assert "birth" not in text.lower()


@pytest.mark.django_db
def test_it_follows_the_language(client: Client) -> None:
    response = client.post(
        URL, {"sign_missing_now": "last_6_months"}, headers={"accept-language": "fr"}
    )
    text = pdf_text(response.content)
    assert "Danger immédiat" in text


@pytest.mark.django_db
def test_it_refuses_bad_answers(client: Client) -> None:
    response = client.post(URL, {"sign_withdrawn": "soon"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_it_refuses_get(client: Client) -> None:
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "level"),
    [
        ("en", "Immediate danger: call 112 now", "Concern level:"),
        ("fr", "Danger immédiat : appelez le 112 maintenant", "Niveau d'inquiétude :"),
        ("nl", "Acuut gevaar: bel nu 112", "Niveau van bezorgdheid:"),
    ],
)
def test_it_puts_112_first_in_the_pdf_for_immediate_danger(
    client: Client, language: str, heading: str, level: str
) -> None:
    response = client.post(
        URL, {"sign_missing_now": "last_6_months"}, headers={"accept-language": language}
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    # The call-out comes first: before the level, the answers and the contacts.
    assert text.index(heading) < text.index(level) < text.index("Child Focus")


@pytest.mark.django_db
def test_it_reminds_of_112_in_the_pdf_at_every_level(client: Client) -> None:
    response = client.post(URL, {"vulnerabilities": ["in_care"]}, headers={"accept-language": "en"})
    text = pdf_text(response.content)
    assert "If the child is in danger right now, call 112" in text
    assert "Immediate danger: call 112 now" not in text
    assert text.index("call 112") < text.index("Child Focus")

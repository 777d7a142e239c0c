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

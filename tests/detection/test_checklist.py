"""The checklist page: public, renders every question, evaluates statelessly, shows the why."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balise.detection.catalogue import load_catalogue
from tests.conftest import Personas, login_verified

URL = "/detection/"


def test_it_has_a_stable_url() -> None:
    assert reverse("detection:checklist") == URL


@pytest.mark.django_db
def test_it_shows_every_question_to_anonymous(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    catalogue = load_catalogue()
    for code in catalogue.vulnerability_codes:
        assert f'id="v-{code}"' in html
    for code in catalogue.sign_codes:
        assert html.count(f'name="sign_{code}"') == 3
    assert html.count("<fieldset") == len(catalogue.sign_codes) + len(
        catalogue.vulnerability_sections
    ) + len(catalogue.sign_sections)
    assert "Cache-Control" in response
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_speaks_dutch(client: Client) -> None:
    response = client.get(URL, headers={"accept-language": "nl"})
    html = response.content.decode()
    assert "Niet waargenomen" in html
    assert "Uiterlijk en lichamelijke toestand" in html


@pytest.mark.django_db
def test_it_computes_the_level_and_shows_points_per_answer(client: Client) -> None:
    data = {
        "vulnerabilities": ["emotional_neglect", "in_care"],
        "sign_running_away": "last_6_months",  # significant: 5
        "sign_school_absence": "last_6_months",  # moderate: 1
        "sign_unexplained_money_or_goods": "6_to_12_months",  # significant, earlier: 1
        "sign_withdrawn": "not_observed",
    }
    response = client.post(URL, data, headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Concern level: <strong>Mild concern</strong>" in html
    assert "9 points" in html
    assert response.context["assessment"].total_points == 9
    rows = {r["contribution"].code: r["contribution"].points for r in response.context["rows"]}
    assert rows == {
        "emotional_neglect": 1,
        "in_care": 1,
        "school_absence": 1,
        "running_away": 5,
        "unexplained_money_or_goods": 1,
    }
    assert "Withdrawn" not in html
    assert "makes no automated decision about a child" in html
    assert "116 000" in html
    assert 'href="tel:116000"' in html


@pytest.mark.django_db
def test_it_forces_immediate_danger(client: Client) -> None:
    response = client.post(
        URL, {"sign_missing_now": "last_6_months"}, headers={"accept-language": "en"}
    )
    html = response.content.decode()
    assert "Concern level: <strong>Immediate danger</strong>" in html
    assert "Missing now with a concern of exploitation" in html
    assert "call 112" in html


HIGH_CONCERN = {  # four significant signs in the last 6 months: 20 points, no immediate danger
    "sign_running_away": "last_6_months",
    "sign_ownership_tattoo": "last_6_months",
    "sign_much_older_partner": "last_6_months",
    "sign_sexual_images": "last_6_months",
}


@pytest.mark.django_db
def test_it_puts_112_first_and_marks_immediate_danger_apart_from_high_concern(
    client: Client,
) -> None:
    urgent = client.post(
        URL, {"sign_missing_now": "last_6_months"}, headers={"accept-language": "en"}
    ).content.decode()
    high = client.post(URL, HIGH_CONCERN, headers={"accept-language": "en"})
    assert high.context["level"] == "high"
    high_html = high.content.decode()

    main = urgent[urgent.index('id="result-heading"') :]
    call = main.index('href="tel:112"')
    assert call < main.index('class="judgement-note"') < main.index('id="answers-heading"')
    assert call < main.index("Concern level:")
    assert 'class="level level-urgent danger-callout"' in main
    assert "Immediate danger: call 112 now" in main

    assert "Concern level: <strong>High concern</strong>" in high_html
    assert "level-urgent" not in high_html
    assert "danger-callout" not in high_html
    assert "Immediate danger: call 112 now" not in high_html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "Danger immédiat : appelez le 112"), ("nl", "Acuut gevaar: bel nu 112")],
)
def test_it_translates_the_112_call_out(client: Client, language: str, text: str) -> None:
    response = client.post(
        URL, {"sign_missing_now": "last_6_months"}, headers={"accept-language": language}
    )
    assert text in response.content.decode()


@pytest.mark.django_db
def test_it_shows_low_with_no_answers(client: Client) -> None:
    response = client.post(URL, {}, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "No vulnerability or sign was ticked." in response.content.decode()
    assert response.context["level"] == "low"


@pytest.mark.django_db
def test_it_carries_answers_back_to_the_form(client: Client) -> None:
    data = {
        "vulnerabilities": ["in_care"],
        "sign_withdrawn": "6_to_12_months",
        "action": "edit",
    }
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="in_care" id="v-in_care" aria-describedby="v-in_care-help" checked' in html
    assert 'name="sign_withdrawn" value="6_to_12_months" checked' in html


@pytest.mark.django_db
def test_it_names_bad_answers(client: Client) -> None:
    response = client.post(
        URL,
        {"vulnerabilities": ["not_a_code"], "sign_withdrawn": "yesterday"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Withdrawn: Select a valid choice" in html


@pytest.mark.django_db
def test_it_offers_a_recorder_a_prefilled_situation(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    response = client.post(
        URL,
        {"vulnerabilities": ["in_care", "low_self_esteem"], "sign_withdrawn": "last_6_months"},
    )
    url = response.context["situation_url"]
    assert url.startswith(reverse("situations:create") + "?")
    assert "vulnerabilities=low_self_esteem%2Cin_care" in url
    assert "signs=withdrawn" in url
    assert url.replace("&", "&amp;") in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "analyst", "admin"])
def test_it_offers_no_situation_to_non_recorders(
    client: Client, personas: Personas, who: str
) -> None:
    if who != "anonymous":
        login_verified(client, getattr(personas, who))
    response = client.post(URL, {"vulnerabilities": ["in_care"]})
    assert response.status_code == 200
    assert response.context["situation_url"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_it_refuses_other_methods(client: Client, method: str) -> None:
    assert getattr(client, method)(URL).status_code == 405

"""Anonymous use of the detection aid stores nothing: no row, no session, no cookie but CSRF."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.http.response import HttpResponseBase
from django.test import Client

ANSWERS = {
    "vulnerabilities": ["in_care", "material_deprivation"],
    "sign_running_away": "last_6_months",
    "sign_missing_now": "last_6_months",
    "sign_withdrawn": "6_to_12_months",
}


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608  # names from the schema
            counts[table] = cursor.fetchone()[0]
    return counts


def cookies_set(response: HttpResponseBase) -> set[str]:
    return {name for name, morsel in response.cookies.items() if morsel.value}


@pytest.mark.usefixtures("seeded_guidance")
def test_it_writes_nothing_for_anonymous_use() -> None:
    client = Client(enforce_csrf_checks=True)
    before = row_counts()
    assert before["detection_guidanceversion"] > 0  # the seeded guidance is read, not written

    page = client.get("/detection/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    result = client.post("/detection/", {**ANSWERS, "csrfmiddlewaretoken": token})
    edit = client.post("/detection/", {**ANSWERS, "action": "edit", "csrfmiddlewaretoken": token})
    pdf = client.post("/detection/summary.pdf", {**ANSWERS, "csrfmiddlewaretoken": token})

    assert [r.status_code for r in (page, result, edit, pdf)] == [200, 200, 200, 200]
    assert result.context["level"] == "urgent"
    assert row_counts() == before
    for response in (page, result, edit, pdf):
        assert cookies_set(response) <= {settings.CSRF_COOKIE_NAME}
        assert "no-store" in response["Cache-Control"]
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_it_refuses_a_post_without_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/detection/", ANSWERS).status_code == 403

"""The list of the organisation's situations: filters, reference search, pagination, queries."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from django.conf import LazySettings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from balise.accounts.models import User
from balise.taxonomy.loader import load
from tests.conftest import Personas
from tests.situations.conftest import RecordSituation

SignIn = Callable[[User], Client]
URL = reverse("situations:list")


def references(client: Client, query: str = "") -> list[str]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return sorted(row["situation"].reference for row in response.context["rows"])


def test_it_lists_only_the_organisations_situations(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    record_situation(personas.recorder_a, reference="A-1")
    record_situation(personas.recorder_b, reference="B-1")
    assert references(signed_in(personas.recorder_a)) == ["A-1"]


def test_it_filters(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    record_situation(
        personas.recorder_a,
        reference="A-1",
        detection_month="2024-01",
        forms=["csam"],
        gender="boy",
        age_years=9,
        status="confirmed",
    )
    record_situation(personas.recorder_a, reference="A-2", detection_month="2024-06")
    record_situation(
        personas.recorder_a, reference="X-3", detection_month="2025-01", forms=["other"]
    )
    client = signed_in(personas.steward_a)
    assert references(client, "month_from=2024-02&month_to=2024-12") == ["A-2"]
    assert references(client, "form=csam") == ["A-1"]
    assert references(client, "form=prostitution") == ["A-2"]
    assert references(client, "form=other") == ["X-3"]
    assert references(client, "status=confirmed") == ["A-1"]
    assert references(client, "gender=boy") == ["A-1"]
    assert references(client, "age_group=p_5_11") == ["A-1"]
    assert references(client, "age_group=f_14_15") == ["A-2", "X-3"]
    assert references(client, "q=a-") == ["A-1", "A-2"]
    # Values that are not codes are ignored rather than failing.
    assert references(client, "form=nonsense&month_from=2024-13") == ["A-1", "A-2", "X-3"]


def test_it_paginates(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    for number in range(30):
        record_situation(personas.recorder_a, reference=f"R-{number:02d}")
    client = signed_in(personas.recorder_a)
    first = client.get(URL)
    second = client.get(f"{URL}?page=2")
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert 'rel="next"' in first.content.decode()


def test_it_uses_the_same_number_of_queries_for_more_rows(
    personas: Personas,
    signed_in: SignIn,
    record_situation: RecordSituation,
    settings: LazySettings,
) -> None:
    settings.AUDIT_READ_WINDOW_SECONDS = 0  # both views write their audit event
    client = signed_in(personas.recorder_a)
    record_situation(personas.recorder_a, reference="Q-0")
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for number in range(1, 20):
        record_situation(personas.recorder_a, reference=f"Q-{number}")
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 13  # 10, plus the audit event (savepoint, head, insert)


def test_it_offers_the_import_to_stewards_only(personas: Personas, signed_in: SignIn) -> None:
    import_url = reverse("situations_import:upload")
    assert import_url in signed_in(personas.steward_a).get(URL).content.decode()
    assert import_url not in signed_in(personas.recorder_a).get(URL).content.decode()


def test_it_offers_age_bands_that_do_not_overlap(personas: Personas, signed_in: SignIn) -> None:
    response = signed_in(personas.recorder_a).get(URL)
    offered = [code for code, _label in response.context["filters"]["age_groups"]]
    bands = sorted(
        (entry.raw["min"], entry.raw["max"])
        for entry in load()["age_groups"]
        if entry.code in offered
    )
    assert bands[0][0] == 0
    assert bands[-1][1] == 17
    for (_low, high), (next_low, _high) in pairwise(bands):
        assert next_low == high + 1  # contiguous, no overlap


def test_it_still_filters_by_a_band_of_the_other_scheme(
    personas: Personas, signed_in: SignIn, record_situation: RecordSituation
) -> None:
    record_situation(personas.recorder_a, reference="A-3", age_years=3)
    record_situation(personas.recorder_a, reference="A-15", age_years=15)
    assert references(signed_in(personas.recorder_a), "age_group=p_0_4") == ["A-3"]

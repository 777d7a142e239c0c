"""The number of children and its 90% interval, read by the engine from the run's encodings."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.observatory.models import LinkageRun
from balise.observatory.selectors import children_interval, latest_run
from balise.observatory.services import release_approve, release_draft, release_preview
from tests.conftest import Personas
from tests.observatory.conftest import Network


def test_it_reads_the_interval_the_engine_stored() -> None:
    children = {"estimate": 70, "low": 66, "high": 75, "coverage": 90, "method": "posterior"}
    assert children_interval(LinkageRun(quality={"children": children})) == children
    assert children_interval(LinkageRun(quality={})) is None


def test_it_measures_the_interval_in_each_run_and_publishes_it(
    linked: Network, personas: Personas, analyst2: User, client: Client
) -> None:
    run = latest_run()
    assert run is not None
    interval = children_interval(run)
    assert interval is not None
    assert interval["low"] <= interval["estimate"] <= interval["high"]
    assert interval["coverage"] == 90
    # every situation is a child or part of one: the interval stays within what was recorded
    assert interval["low"] >= 1
    assert interval["high"] <= run.situations
    draft = release_draft(
        actor=personas.analyst,
        title="Balise 2025",
        period=2025,
        tables=["situations_by_sector"],
        geography="province",
        age_bands="primero",
    )
    release = release_approve(actor=analyst2, release=release_preview(actor=None, release=draft))
    assert release.content is not None
    assert release.content["release"]["linkage"]["children_interval"] == interval
    page = client.get(reverse("statistics:detail", args=[release.pk])).content.decode()
    assert "data-children-interval" in page
    assert f"{interval['low']}" in page
    assert f"{interval['high']}" in page

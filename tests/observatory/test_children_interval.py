"""The uncertainty interval of the number of children (reference-set ratio, bootstrap)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.observatory.models import LinkageRun
from balise.observatory.releases import release_approve, release_draft, release_preview
from balise.observatory.runs import children_interval, children_ratio_interval, latest_run
from tests.conftest import Personas
from tests.observatory.conftest import Network


def test_it_gives_a_ratio_of_one_without_a_doubt_when_linkage_is_perfect() -> None:
    truth = ["a", "a", "b", "c", "c", "c"]
    found = [1, 1, 2, 3, 3, 3]
    assert children_ratio_interval(truth, found, samples=200) == (1.0, 1.0, 1.0)


def test_it_shares_split_and_merged_clusters_between_true_children() -> None:
    # Child a split in two clusters (share 2), b and c merged into one (1/2 each), d whole (1):
    # 4 found clusters for 4 true children.
    truth = ["a", "a", "b", "c", "d"]
    found = [1, 2, 3, 3, 4]
    ratio, low, high = children_ratio_interval(truth, found, samples=500)
    assert ratio == pytest.approx(1.0)
    assert 0.5 <= low < 1.0 < high <= 2.0
    # Only splits: more clusters than children, the whole interval above one.
    ratio, low, high = children_ratio_interval(["a", "a", "b", "b"], [1, 2, 3, 4], samples=50)
    assert (ratio, low, high) == (2.0, 2.0, 2.0)


def test_it_corrects_encoded_children_only() -> None:
    run = LinkageRun(
        situations=120,
        encoded=100,
        children=90,  # 20 unencoded singletons + 70 clusters of encoded situations
        quality={"children_ratio": 1.4, "children_ratio_95": [1.25, 1.75]},
    )
    assert children_interval(run) == {"estimate": 70, "low": 60, "high": 76}
    assert children_interval(LinkageRun(quality={})) is None


def test_it_measures_the_interval_in_each_run_and_publishes_it(
    linked: Network, personas: Personas, analyst2: User, client: Client
) -> None:
    run = latest_run()
    assert run is not None
    low, high = run.quality["children_ratio_95"]
    assert low <= run.quality["children_ratio"] <= high
    interval = children_interval(run)
    assert interval is not None
    assert interval["low"] <= interval["estimate"] <= interval["high"]
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

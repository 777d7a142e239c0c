"""Differential-privacy releases through the workflow: draft with an epsilon per table, approve
by a second analyst, freeze; the ledger of published releases and its budget."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from balise.accounts.models import User
from balise.observatory.models import Release
from balise.observatory.releases.common import ReleaseError
from balise.observatory.releases.dp import ledger_state
from balise.observatory.services import release_approve, release_draft, release_preview
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import Network

pytest.importorskip("opendp", reason="the dp extra (OpenDP) is not installed")

TABLES = ["children_by_gender_age", "situations_by_sector"]


def _dp_draft(analyst: User, epsilons: dict[str, float], title: str = "Balise 2025 DP") -> Release:
    return release_draft(
        actor=analyst,
        title=title,
        period=2025,
        tables=list(epsilons),
        geography="province",
        age_bands="primero",
        mode=Release.Mode.DP,
        epsilons=epsilons,
    )


def _publish(drafter: User, approver: User, epsilons: dict[str, float]) -> Release:
    draft = release_preview(actor=drafter, release=_dp_draft(drafter, epsilons))
    return release_approve(actor=approver, release=draft)


def test_it_publishes_noisy_figures_with_margins_after_a_second_approval(
    linked: Network, personas: Personas, analyst2: User
) -> None:
    draft = release_preview(
        actor=personas.analyst,
        release=_dp_draft(personas.analyst, {TABLES[0]: 0.5, TABLES[1]: 1.0}),
    )
    assert draft.preview["mode"] == "dp"
    assert draft.preview["ledger"]["spent"] == 0
    with pytest.raises(PermissionDenied):
        release_approve(actor=personas.analyst, release=draft)
    release = release_approve(actor=analyst2, release=draft)
    release.refresh_from_db()
    assert release.is_published
    content = release.content
    assert content is not None
    assert content["release"]["status"] == "published"
    privacy = content["release"]["privacy"]
    assert privacy["tables"][TABLES[0]]["epsilon"] == 0.5
    assert privacy["tables"][TABLES[1]]["epsilon"] == 1.0
    assert privacy["cumulative_epsilon"] == pytest.approx(1.5)
    # The contract holds: every cell an int value, nothing withheld; margins beside each value.
    for table in content["tables"]:
        assert table["unit"] in ("children", "situations")
        for cell in table["cells"]:
            assert isinstance(cell["value"], int)
            assert cell["value"] >= 0
            assert cell["error_95"] > 0
        assert [c["error_95"] for c in table["cells"]] == privacy["error_95"][table["name"]]
    # The noise scale is the table's sensitivity over its epsilon.
    for spent in privacy["tables"].values():
        assert spent["scale"] == pytest.approx(spent["contributions_per_child"] / spent["epsilon"])
    # The noise drawn at preview is what was published (the approver saw these figures).
    assert content["tables"] == draft.preview["document"]["tables"]


def test_it_adds_epsilons_up_across_releases(
    linked: Network, personas: Personas, analyst2: User
) -> None:
    _publish(personas.analyst, analyst2, {TABLES[0]: 0.5})
    assert ledger_state()["spent"] == pytest.approx(0.5)
    second = _publish(analyst2, personas.analyst, {TABLES[0]: 0.25, TABLES[1]: 1.0})
    assert second.content is not None
    assert second.content["release"]["privacy"]["cumulative_epsilon"] == pytest.approx(1.75)
    state = ledger_state()
    assert state["spent"] == pytest.approx(1.75)
    assert state["remaining"] == pytest.approx(state["budget"] - 1.75)


def test_it_refuses_to_exceed_the_budget(
    linked: Network, personas: Personas, analyst2: User, settings: object
) -> None:
    setattr(settings, "BALISE_DP_EPSILON_BUDGET", 1.0)  # noqa: B010 - pytest-django settings
    with pytest.raises(ReleaseError, match=r"would spend epsilon 1\.2 but only 1 of the budget 1"):
        _dp_draft(personas.analyst, {TABLES[0]: 0.6, TABLES[1]: 0.6})
    with pytest.raises(ReleaseError, match="positive"):
        _dp_draft(personas.analyst, {TABLES[0]: 0.0})
    _publish(personas.analyst, analyst2, {TABLES[0]: 0.75})
    with pytest.raises(ReleaseError, match=r"only 0\.25 of the budget 1 is left"):
        _dp_draft(personas.analyst, {TABLES[1]: 0.5})
    # A draft that fitted is refused at approval once the budget no longer covers it.
    fitting = release_preview(
        actor=personas.analyst, release=_dp_draft(personas.analyst, {TABLES[1]: 0.25})
    )
    setattr(settings, "BALISE_DP_EPSILON_BUDGET", 0.9)  # noqa: B010 - pytest-django settings
    with pytest.raises(ReleaseError, match="budget"):
        release_approve(actor=analyst2, release=fitting)
    assert not Release.objects.get(pk=fitting.pk).is_published
    assert Release.objects.published().count() == 1


def test_it_leaves_dp_releases_out_of_the_suppression_audit(
    linked: Network, personas: Personas, analyst2: User
) -> None:
    _publish(personas.analyst, analyst2, {TABLES[0]: 1.0, TABLES[1]: 1.0})
    exact = release_draft(
        actor=personas.analyst,
        title="Balise 2025",
        period=2025,
        tables=TABLES,
        geography="province",
        age_bands="primero",
        mode=Release.Mode.SUPPRESSION,
    )
    exact = release_preview(actor=personas.analyst, release=exact)
    assert exact.preview["audit"]["passed"] is True
    assert release_approve(actor=analyst2, release=exact).is_published


def test_it_shows_margins_and_epsilons_on_the_public_page(
    linked: Network, personas: Personas, analyst2: User, client: Client
) -> None:
    release = _publish(personas.analyst, analyst2, {TABLES[0]: 0.5, TABLES[1]: 1.0})
    page = client.get(reverse("statistics:detail", args=[release.pk])).content.decode()
    assert re.search(r'<td class="num">\d+ ± \d+</td>', page)
    assert "<abbr" not in page  # nothing withheld
    assert 'data-epsilon="children_by_gender_age">' in page
    assert "ε = 0,5" in page or "ε = 0.5" in page
    assert "ε = 1,5" in page or "ε = 1.5" in page  # cumulative
    document = json.loads(
        client.get(reverse("statistics:download", args=[release.pk, "json"])).content
    )
    assert document == release.content
    csv_text = client.get(reverse("statistics:download", args=[release.pk, "csv"])).content.decode()
    assert csv_text.splitlines()[0].endswith(";value;withheld;error_95")


def test_it_drafts_through_the_analyst_page_within_the_budget(
    linked: Network, personas: Personas, analyst2: User, settings: object
) -> None:
    setattr(settings, "BALISE_JOBS_SYNC", True)  # noqa: B010 - pytest-django settings fixture
    setattr(settings, "BALISE_DP_EPSILON_BUDGET", 2.0)  # noqa: B010 - pytest-django settings
    drafter = login_verified(Client(), personas.analyst)
    form = drafter.get(reverse("observatory:release_new")).content.decode()
    assert "data-ledger" in form
    assert "epsilon_situations_by_sector" in form
    fields = {
        "title": "Balise 2025 DP",
        "period": "2025",
        "tables": TABLES,
        "geography": "province",
        "age_bands": "primero",
        "threshold": "10",
        "mode": "dp",
        "epsilon_children_by_gender_age": "1.5",
        "epsilon_situations_by_sector": "1",
    }
    refused = drafter.post(reverse("observatory:release_new"), fields)
    assert refused.status_code == 200
    assert "error-summary" in refused.content.decode()
    assert not Release.objects.exists()
    fields["epsilon_children_by_gender_age"] = "0.5"
    response = drafter.post(reverse("observatory:release_new"), fields)
    assert response.status_code == 302
    release = Release.objects.get()
    assert release.mode == Release.Mode.DP
    assert release.epsilons == {"children_by_gender_age": 0.5, "situations_by_sector": 1.0}
    approver = login_verified(Client(), analyst2)
    page = approver.get(reverse("observatory:release_detail", args=[release.pk])).content.decode()
    assert 'data-mode="dp"' in page
    assert re.search(r"\d+ ± \d+", page)
    done = approver.post(
        reverse("observatory:release_approve", args=[release.pk]), {"confirm": "yes"}
    )
    assert done["Location"] == reverse("statistics:detail", args=[release.pk])
    assert Release.objects.get().is_published

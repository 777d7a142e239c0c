from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from django.conf import LazySettings
from django.core.management import call_command

from balise.accounts.models import Organisation
from balise.linkage.secret import loads_secret
from balise.observatory.demo import generate
from balise.observatory.runs import linkage_run
from balise.observatory.selectors import Filters, totals
from balise.situations.models import Situation


def test_it_adds_encoded_situations_with_children_across_sectors(
    db: None, settings: LazySettings, tmp_path: Path
) -> None:
    settings.DEMO = True
    settings.VAR_DIR = tmp_path
    call_command("demo", "--situations", "200", "--seed", "5", stdout=io.StringIO())
    secret_file = tmp_path / "demo-network-secret"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    key_id = loads_secret(secret_file.read_text()).key_id
    situations = Situation.objects.all()
    assert situations.count() == 200
    assert set(situations.values_list("identity_key_id", flat=True)) == {key_id}
    assert len(set(situations.values_list("organisation__sector", flat=True))) >= 5
    ages = [a for a in situations.values_list("age_years", flat=True) if a is not None]
    assert all(0 <= a <= 17 for a in ages)
    assert sum(12 <= a <= 17 for a in ages) > 0.8 * len(ages)
    run = linkage_run(actor=None, quality_children=0)
    figures = totals(Filters())
    assert figures["children"] < 200  # the same child met by several organisations
    assert figures["multi_sector_children"] > 10
    assert run.children == figures["children"]
    # Adding more keeps the same secret and new references.
    call_command("demo", "--situations", "10", "--seed", "6", stdout=io.StringIO())
    assert Situation.objects.count() == 210
    assert loads_secret(secret_file.read_text()).key_id == key_id


def test_it_is_deterministic_for_a_seed(db: None) -> None:
    organisations = [
        Organisation(pk=1, name="A", sector="police", region="04000"),
        Organisation(pk=2, name="B", sector="youth_aid", region="03000"),
        Organisation(pk=3, name="C", sector="health", region="02000"),
    ]
    today = date(2026, 6, 15)
    first = generate(50, 11, organisations, today)
    again = generate(50, 11, organisations, today)
    other = generate(50, 12, organisations, today)
    assert [(o.pk, d) for o, d in first] == [(o.pk, d) for o, d in again]
    assert [d for _, d in first] != [d for _, d in other]
    assert all(d["detection_month"] <= date(2026, 6, 1) for _, d in first)


def test_it_tops_up_to_at_least_n_and_then_adds_nothing(
    db: None, settings: LazySettings, tmp_path: Path
) -> None:
    settings.DEMO = True
    settings.VAR_DIR = tmp_path
    call_command("demo", "--at-least", "30", "--seed", "1", stdout=io.StringIO())
    assert Situation.objects.count() == 30
    call_command("demo", "--at-least", "30", "--seed", "1", stdout=io.StringIO())
    assert Situation.objects.count() == 30
    call_command("demo", "--at-least", "45", "--seed", "1", stdout=io.StringIO())
    assert Situation.objects.count() == 45

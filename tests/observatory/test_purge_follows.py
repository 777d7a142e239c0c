"""A purged situation leaves the statistics at once: facts, clusters and dashboard counts."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from balise.observatory.models import ChildCluster, StatFact
from balise.observatory.selectors import is_stale, latest_run, removed_since
from balise.situations.services import situations_purge
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import Network


def test_it_drops_facts_and_clusters_of_purged_situations(linked: Network) -> None:
    run = latest_run()
    assert run is not None
    assert not is_stale(run)
    # Retention of 12 months on 2026-05-15: cutoff 2025-05-01, so the three situations of
    # March and April 2025 (Amina by the police, Lucas's first, Senait) go.
    purged = situations_purge(today=date(2026, 5, 15), months=12)
    gone = {linked.situations[k].pk for k in ("amina_police", "lucas_1", "senait")}
    assert set(purged.situation_ids) == gone
    assert not StatFact.objects.filter(situation_id__in=gone).exists()
    assert not ChildCluster.objects.filter(situation_id__in=gone).exists()
    assert StatFact.objects.count() == 3
    assert removed_since(run) == 3
    assert is_stale(run)


def test_it_drops_purged_situations_from_the_dashboard_at_once(
    linked: Network, personas: Personas
) -> None:
    client = login_verified(Client(), personas.analyst)
    before = client.get(reverse("observatory:dashboard")).content.decode()
    assert 'data-figure="situations">6<' in before  # the run's stored figures
    assert 'data-figure="multi-sector">1<' in before
    situations_purge(today=date(2026, 5, 15), months=12)
    page = client.get(reverse("observatory:dashboard")).content.decode()
    # Left: Amina (youth aid), Lucas's second, the unencoded one: 3 situations, 3 children,
    # nobody known to two sectors any more.
    assert 'data-figure="situations">3<' in page
    assert 'data-figure="children">3<' in page
    assert 'data-figure="multi-sector">0<' in page
    assert "3 situations ont été supprimées ou purgées depuis la dernière exécution" in page
    linkage_page = client.get(reverse("observatory:linkage")).content.decode()
    assert "3 situations ont été supprimées ou purgées" in linkage_page

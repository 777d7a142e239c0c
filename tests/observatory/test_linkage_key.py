"""A linkage run with the wrong encodings key fails closed: nothing is rewritten, and the run,
the background job and the command each say why."""

from __future__ import annotations

import base64
import io

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from balise.jobs.models import Job
from balise.observatory.models import ChildCluster, LinkageRun, StatFact
from balise.observatory.runs import linkage_run
from balise.situations.encodings import EncodingIntegrityError
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import Network

OTHER_KEY = base64.b64encode(b"not the key that encrypted them!").decode()


def test_it_fails_closed_with_the_wrong_key(linked: Network, settings: LazySettings) -> None:
    facts = sorted(StatFact.objects.values_list("situation_id", "cluster"))
    clusters = sorted(ChildCluster.objects.values_list("situation_id", "cluster"))
    settings.ENCODINGS_KEY = OTHER_KEY
    with pytest.raises(EncodingIntegrityError, match="BALISE_ENCODINGS_KEY"):
        linkage_run(actor=None, quality_children=0)
    failed = LinkageRun.objects.order_by("-pk").first()
    assert failed is not None
    assert failed.status == LinkageRun.Status.FAILED
    first_encoded = min(s.pk for s in linked.situations.values() if s.has_identity)
    assert failed.error.startswith(f"situation {first_encoded}: ")
    assert "BALISE_ENCODINGS_KEY" in failed.error
    assert sorted(StatFact.objects.values_list("situation_id", "cluster")) == facts
    assert sorted(ChildCluster.objects.values_list("situation_id", "cluster")) == clusters


def test_it_says_so_in_the_job_and_the_command(
    network: Network, personas: Personas, settings: LazySettings
) -> None:
    settings.BALISE_JOBS_SYNC = True
    settings.ENCODINGS_KEY = OTHER_KEY
    client = login_verified(Client(), personas.analyst)
    with translation.override("en"):
        response = client.post(
            reverse("observatory:linkage_start"), headers={"accept-language": "en"}
        )
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "BALISE_ENCODINGS_KEY" in job.error
    with pytest.raises(CommandError, match="linkage run failed: situation"):
        call_command(
            "linkage", "run", "--no-progress", "--quality-children", "0", stdout=io.StringIO()
        )
    settings.ENCODINGS_KEY = ""
    with pytest.raises(CommandError, match="BALISE_ENCODINGS_KEY"):
        call_command(
            "linkage", "run", "--no-progress", "--quality-children", "0", stdout=io.StringIO()
        )

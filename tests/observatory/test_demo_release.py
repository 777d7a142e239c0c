"""`balise demo --publish-release` publishes a release through the analysts' own workflow (draft,
preview, second-analyst approval), once."""

from __future__ import annotations

import pytest
from django.test import Client

from balise.accounts.models import User
from balise.audit.models import AuditEvent
from balise.observatory.demo_release import publish_demo_release
from balise.observatory.models import Release
from tests.conftest import Personas
from tests.observatory.conftest import Network

pytestmark = pytest.mark.django_db


def test_it_publishes_the_year_once_through_the_workflow(
    linked: Network, personas: Personas, analyst2: User, client: Client
) -> None:
    release = publish_demo_release(period=2025, drafted_by=personas.analyst, approved_by=analyst2)
    assert release is not None
    assert release.status == Release.Status.PUBLISHED
    assert release.mode == Release.Mode.CELL_KEY
    assert (release.drafted_by_id, release.approved_by_id) == (personas.analyst.pk, analyst2.pk)
    published = AuditEvent.objects.get(action="observatory.release_published")
    assert published.actor_id == analyst2.pk
    assert (
        publish_demo_release(period=2025, drafted_by=personas.analyst, approved_by=analyst2) is None
    )
    assert Release.objects.count() == 1
    page = client.get("/statistics/").content.decode()
    assert f'href="/statistics/{release.pk}/"' in page
    assert f'href="/statistics/{release.pk}/"' in client.get("/").content.decode()

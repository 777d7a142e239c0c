"""Job progress stages: stored as English message ids within Job.stage's 32 characters, shown
in the reader's language by the jobs progress fragment."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import translation

from balise.jobs.models import Job
from balise.jobs.services import job_enqueue
from balise.observatory.jobs import STAGES, release_preview_job, stage_label
from balise.observatory.models import Release
from balise.observatory.services import release_draft
from tests.conftest import Personas, login_verified
from tests.observatory.conftest import Network

STAGE_LENGTH = Job._meta.get_field("stage").max_length or 0


def test_it_stores_every_stage_as_a_message_id_that_fits() -> None:
    for name, message in STAGES.items():
        assert stage_label(f"{name} 9999/9999") == message
        assert len(message) <= STAGE_LENGTH
        with translation.override("fr"):
            assert translation.gettext(message) != message  # translated where it is shown
    assert stage_label("coarser views 2/6") == "comparing coarser views"
    assert stage_label("an unknown stage that is far too long to fit") == (
        "an unknown stage that is far too"
    )


def test_it_shows_the_stage_in_the_readers_language(
    linked: Network, personas: Personas, settings: object
) -> None:
    draft = release_draft(
        actor=personas.analyst,
        title="Balise 2025",
        period=2025,
        tables=["children_by_form"],
        geography="province",
        age_bands="primero",
        mode=Release.Mode.SUPPRESSION,
    )
    job = job_enqueue(
        handler=release_preview_job,
        owner=personas.analyst,
        params={"release": draft.pk},
        start=False,  # left queued: its page polls the stage
    )
    job.stage = stage_label("coarser views 1/1")
    job.save(update_fields=["stage"])
    client = login_verified(Client(), personas.analyst)
    page = client.get(reverse("jobs:progress", args=[job.pk]))
    assert page.status_code == 200
    assert "comparaison de vues plus larges" in page.content.decode()  # French, the default

"""Job progress stages in the owner's language, within Job.stage's 32 characters."""

from __future__ import annotations

import pytest
from django.utils import translation

from balise.jobs.models import Job
from balise.jobs.services import job_enqueue
from balise.observatory.jobs import STAGES, release_preview_job, stage_label
from balise.observatory.models import Release
from balise.observatory.services import release_draft
from tests.conftest import Personas
from tests.observatory.conftest import Network

STAGE_LENGTH = Job._meta.get_field("stage").max_length or 0


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_it_fits_every_stage_in_the_job_row(language: str) -> None:
    with translation.override(language):
        for name in STAGES:
            label = stage_label(f"{name} 9999/9999" if "%(step)s" in str(STAGES[name]) else name)
            assert len(label) <= STAGE_LENGTH, label
            assert "%(" not in label


def test_it_translates_stages_with_their_step() -> None:
    with translation.override("fr"):
        assert stage_label("coarser views 2/6") == "vues plus larges 2/6"
        assert stage_label("attack: cell 12/57") == "attaque : cellule 12/57"
        assert stage_label("reading") == "lecture des situations"
    with translation.override("nl"):
        assert stage_label("perturbing table 1/6") == "tabel verstoren 1/6"
    assert stage_label("an unknown stage that is far too long to fit") == (
        "an unknown stage that is far too"
    )


def test_it_records_the_preview_stages_in_the_owners_language(
    linked: Network, personas: Personas, settings: object
) -> None:
    setattr(settings, "BALISE_JOBS_SYNC", True)  # noqa: B010 - pytest-django settings fixture
    draft = release_draft(
        actor=personas.analyst,
        title="Balise 2025",
        period=2025,
        tables=["children_by_form"],
        geography="province",
        age_bands="primero",
        mode=Release.Mode.SUPPRESSION,
    )
    with translation.override("nl"):
        job = job_enqueue(
            handler=release_preview_job, owner=personas.analyst, params={"release": draft.pk}
        )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.stage == "voorbeeld klaar"

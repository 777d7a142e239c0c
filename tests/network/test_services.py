"""Network services: validated, audited writes on organisations and platform roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from balise.accounts.models import Organisation, PlatformRole, Region, Sector
from balise.audit.models import AuditEvent
from balise.audit.services import verify_chain
from balise.network import services
from tests.conftest import Personas


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Error messages are translated; these tests read the English ones.
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_it_creates_an_organisation_and_audits_it(personas: Personas) -> None:
    organisation = services.organisation_create(
        actor=personas.admin, name="  SAJ   de Namur ", sector=Sector.YOUTH_AID, region="03000"
    )
    assert organisation.name == "SAJ de Namur"
    event = AuditEvent.objects.get(action="network.organisation_created")
    assert event.actor_id == personas.admin.pk
    assert event.organisation_id == organisation.pk
    assert event.object_id == str(organisation.pk)
    assert event.details == {"sector": "youth_aid", "region": "03000"}
    assert "Namur" not in str(event.details)
    assert verify_chain().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "sector", "region", "message"),
    [
        ("   ", Sector.POLICE, Region.BRUSSELS, "needs a name"),
        ("zone de police alpha", Sector.POLICE, Region.BRUSSELS, "already has this name"),
        ("Nouvelle", "bakery", Region.BRUSSELS, "sector"),
        ("Nouvelle", Sector.POLICE, "99999", "region"),
        ("x" * 201, Sector.POLICE, Region.BRUSSELS, "200 characters"),
    ],
)
def test_it_refuses_invalid_organisations(
    personas: Personas, name: str, sector: str, region: str, message: str
) -> None:
    with pytest.raises(services.NetworkError, match=message):
        services.organisation_create(actor=personas.admin, name=name, sector=sector, region=region)
    assert Organisation.objects.count() == 2
    assert not AuditEvent.objects.filter(action="network.organisation_created").exists()


@pytest.mark.django_db
def test_it_updates_only_what_changed(personas: Personas) -> None:
    services.organisation_update(
        actor=personas.admin,
        organisation=personas.org_a,
        name="Zone de police Alpha",
        sector=Sector.POLICE,
        region=Region.FLANDERS,
    )
    personas.org_a.refresh_from_db()
    assert personas.org_a.region == Region.FLANDERS
    event = AuditEvent.objects.get(action="network.organisation_updated")
    assert event.details["changed"] == ["region"]
    # Saving again without change writes nothing.
    services.organisation_update(
        actor=personas.admin,
        organisation=personas.org_a,
        name="Zone de police Alpha",
        sector=Sector.POLICE,
        region=Region.FLANDERS,
    )
    assert AuditEvent.objects.filter(action="network.organisation_updated").count() == 1


@pytest.mark.django_db
def test_it_refuses_to_rename_onto_another_organisation(personas: Personas) -> None:
    with pytest.raises(services.NetworkError, match="already has this name"):
        services.organisation_update(
            actor=personas.admin,
            organisation=personas.org_a,
            name="SAJ BRAVO",
            sector=Sector.POLICE,
            region=Region.BRUSSELS,
        )


@pytest.mark.django_db
def test_it_gives_and_removes_platform_roles(personas: Personas) -> None:
    services.platform_role_set(actor=personas.admin, user=personas.loner, role=PlatformRole.ANALYST)
    personas.loner.refresh_from_db()
    assert personas.loner.is_analyst
    services.platform_role_set(actor=personas.admin, user=personas.loner, role="")
    personas.loner.refresh_from_db()
    assert personas.loner.platform_role == ""
    details = [e.details for e in AuditEvent.objects.filter(action="network.platform_role_changed")]
    assert details == [
        {"role": "analyst", "previous": ""},
        {"role": "", "previous": "analyst"},
    ]


@pytest.mark.django_db
def test_it_keeps_at_least_one_administrator(personas: Personas) -> None:
    with pytest.raises(services.NetworkError, match="at least one administrator"):
        services.platform_role_set(actor=personas.admin, user=personas.admin, role="")
    services.platform_role_set(actor=personas.admin, user=personas.editor, role=PlatformRole.ADMIN)
    services.platform_role_set(actor=personas.admin, user=personas.admin, role="")
    personas.admin.refresh_from_db()
    assert personas.admin.platform_role == ""


@pytest.mark.django_db
def test_it_refuses_unknown_roles(personas: Personas) -> None:
    with pytest.raises(services.NetworkError):
        services.platform_role_set(actor=personas.admin, user=personas.loner, role="superuser")

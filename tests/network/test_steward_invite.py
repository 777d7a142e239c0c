"""An administrator invites a steward into an organisation (how a new one gets its first member)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from balise.accounts.models import (
    Invitation,
    Organisation,
    OrgRole,
    PlatformRole,
    Region,
    Sector,
    User,
)
from balise.accounts.services import invitation_accept
from balise.audit.models import AuditEvent
from balise.network import services
from tests.conftest import Personas, make_user

SignIn = Callable[[User], Client]


def url(pk: int) -> str:
    return reverse("network:steward_invite", args=[pk])


@pytest.fixture
def newcomer(personas: Personas) -> Organisation:
    return services.organisation_create(
        actor=personas.admin, name="SAJ de Namur", sector=Sector.YOUTH_AID, region=Region.WALLONIA
    )


@pytest.mark.django_db
def test_it_invites_the_first_steward_who_can_then_join(
    personas: Personas, signed_in: SignIn, newcomer: Organisation
) -> None:
    # The test runner's mail backend keeps messages in mail.outbox.
    second = make_user("second.admin@example.org", platform_role=PlatformRole.ADMIN)
    response = signed_in(personas.admin).post(url(newcomer.pk), {"email": "Chef@SAJ.example"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=newcomer)
    assert (invitation.email, invitation.role) == ("chef@saj.example", OrgRole.STEWARD)
    assert invitation.invited_by == personas.admin
    # No steward yet: the other administrators are asked to approve; the invitee has no link.
    assert [m.to for m in mail.outbox] == [[second.email]]
    approve = reverse("accounts:invitation_approve", args=[invitation.pk])
    assert signed_in(second).post(approve)["Location"] == url(newcomer.pk)
    assert url(newcomer.pk) in mail.outbox[0].body
    assert mail.outbox[-1].to == ["chef@saj.example"]
    body = mail.outbox[-1].body
    token = body.split("/accounts/invitations/")[1].split("/")[0]
    steward = invitation_accept(token=token, full_name="Chef SAJ", password="a long passphrase 9")
    assert (steward.organisation, steward.org_role) == (newcomer, OrgRole.STEWARD)
    event = AuditEvent.objects.get(action="invitation.created")
    assert event.organisation_id == newcomer.pk
    assert event.details["by"] == "administrator"


@pytest.mark.django_db
def test_it_replaces_a_pending_invitation(personas: Personas, newcomer: Organisation) -> None:
    first = services.steward_invite(actor=personas.admin, organisation=newcomer, email="a@b.be")
    services.steward_invite(actor=personas.admin, organisation=newcomer, email="a@b.be")
    first.invitation.refresh_from_db()
    assert first.invitation.revoked_at is not None
    assert Invitation.objects.pending().filter(organisation=newcomer).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "message"),
    [("not an address", "valid email"), ("Steward.B@example.org", "already has a Balise account")],
)
def test_it_refuses_bad_or_taken_addresses(
    personas: Personas, signed_in: SignIn, newcomer: Organisation, email: str, message: str
) -> None:
    client = signed_in(personas.admin)
    response = client.post(url(newcomer.pk), {"email": email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_organisation(personas: Personas, signed_in: SignIn) -> None:
    assert signed_in(personas.admin).get(url(999999)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["steward_a", "analyst", "editor", "loner"])
def test_it_refuses_everyone_but_administrators(
    personas: Personas, signed_in: SignIn, who: str
) -> None:
    response = signed_in(getattr(personas, who)).post(url(personas.org_a.pk), {"email": "x@y.be"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()

"""An administrator's invitation of a steward needs a second person: a steward of the
organisation or another administrator. Until then no link exists; the stewards are told."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from balise.accounts.models import Invitation, OrgRole, PlatformRole, User
from balise.accounts.services import (
    AccountError,
    invitation_accept,
    invitation_approve,
    invitation_create,
    invitation_for_token,
)
from balise.network.services import steward_invite
from tests.accounts.helpers import events
from tests.conftest import Personas, make_user

SignIn = Callable[[User], Client]
EMAIL = "takeover@example.org"


def _invite(personas: Personas, client: Client) -> Invitation:
    response = client.post(
        reverse("network:steward_invite", args=[personas.org_a.pk]), {"email": EMAIL}
    )
    assert response.status_code == 302
    return Invitation.objects.get(email=EMAIL)


def _approve_url(invitation: Invitation) -> str:
    return reverse("accounts:invitation_approve", args=[invitation.pk])


def test_it_sends_no_link_and_tells_the_stewards(personas: Personas, signed_in: SignIn) -> None:
    invitation = _invite(personas, signed_in(personas.admin))
    assert invitation.awaits_approval
    # The organisation's steward is told, the invitee gets nothing yet.
    assert [m.to for m in mail.outbox] == [[personas.steward_a.email]]
    assert EMAIL in mail.outbox[0].body
    assert "/accounts/invitations/" not in mail.outbox[0].body
    assert events("invitation.created")[0].details["awaiting_approval"] == "yes"
    members = signed_in(personas.steward_a).get(
        reverse("accounts:members"), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = members.content.decode()
    assert "awaits your approval" in page
    assert f'action="{_approve_url(invitation)}"' in page


def test_it_lets_the_stewards_approve_then_the_invitee_join(
    personas: Personas, signed_in: SignIn
) -> None:
    invitation = _invite(personas, signed_in(personas.admin))
    mail.outbox.clear()
    response = signed_in(personas.steward_a).post(_approve_url(invitation))
    assert response["Location"] == reverse("accounts:members")
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    token = message.body.split("/accounts/invitations/")[1].split("/")[0]
    assert invitation_for_token(token) is not None
    user = invitation_accept(token=token, full_name="New Chief", password="a long passphrase 9")
    assert (user.organisation_id, user.org_role) == (personas.org_a.pk, OrgRole.STEWARD)
    (approved,) = events("invitation.approved")
    assert approved.actor_id == personas.steward_a.pk
    assert approved.object_id == str(invitation.pk)


def test_it_refuses_the_inviting_administrator_alone(personas: Personas, signed_in: SignIn) -> None:
    client = signed_in(personas.admin)
    invitation = _invite(personas, client)
    mail.outbox.clear()
    response = client.post(_approve_url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == reverse("network:steward_invite", args=[personas.org_a.pk])
    invitation.refresh_from_db()
    assert invitation.awaits_approval
    assert mail.outbox == []
    assert events("invitation.approved") == []


def test_it_lets_a_second_administrator_approve(personas: Personas, signed_in: SignIn) -> None:
    invitation = _invite(personas, signed_in(personas.admin))
    second = make_user("second.admin@example.org", platform_role=PlatformRole.ADMIN)
    mail.outbox.clear()
    assert signed_in(second).post(_approve_url(invitation)).status_code == 302
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    invitation.refresh_from_db()
    assert invitation.approved_by == second


def test_it_refuses_other_people(personas: Personas, signed_in: SignIn) -> None:
    invitation = _invite(personas, signed_in(personas.admin))
    assert signed_in(personas.recorder_a).post(_approve_url(invitation)).status_code == 403
    assert signed_in(personas.steward_b).post(_approve_url(invitation)).status_code == 404
    assert signed_in(personas.steward_a).get(_approve_url(invitation)).status_code == 405
    invitation.refresh_from_db()
    assert invitation.awaits_approval


def test_it_keeps_a_stewards_own_invitations_approved(personas: Personas) -> None:
    issued = invitation_create(actor=personas.steward_a, email="new@example.org", role="recorder")
    assert not issued.invitation.awaits_approval
    assert invitation_for_token(issued.token) is not None


def test_it_approves_only_once(personas: Personas) -> None:
    second = make_user("second.admin@example.org", platform_role=PlatformRole.ADMIN)
    issued = steward_invite(actor=personas.admin, organisation=personas.org_a, email=EMAIL)
    invitation_approve(actor=second, invitation=issued.invitation)
    with pytest.raises(AccountError, match="no longer awaits approval"):
        invitation_approve(actor=personas.steward_a, invitation=issued.invitation)

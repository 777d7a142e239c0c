"""Invitations: a steward invites, the invitee joins through a single-use, hashed, 7-day link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balise.accounts import services
from balise.accounts.models import Invitation, OrgRole, User
from tests.accounts.helpers import events
from tests.conftest import Personas, login_verified

INVITE = reverse("accounts:invite")
PASSWORD = "a fine new passphrase 31"


def _accept_path() -> str:
    body = str(mail.outbox[-1].body)
    match = re.search(r"https?://[^/\s]+(/accounts/invitations/[^/\s]+/)", body)
    assert match is not None, mail.outbox[-1].body
    return match.group(1)


def _join(client: Client, path: str, name: str = "Nouvelle Recrue") -> HttpResponseBase:
    return client.post(path, {"full_name": name, "password1": PASSWORD, "password2": PASSWORD})


def test_it_invites_and_onboards_a_member(client: Client, personas: Personas) -> None:
    login_verified(client, personas.steward_a)
    response = client.post(INVITE, {"email": "New.Member@Example.org", "role": OrgRole.RECORDER})
    assert response["Location"] == reverse("accounts:members")
    (message,) = mail.outbox
    assert message.to == ["new.member@example.org"]
    path = _accept_path()
    token = path.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == services.hash_token(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)

    newcomer = Client()
    assert newcomer.get(path).status_code == 200
    joined = _join(newcomer, path)
    assert joined["Location"] == reverse("accounts:mfa_setup")
    user = User.objects.get(email="new.member@example.org")
    assert user.organisation == personas.org_a
    assert user.org_role == OrgRole.RECORDER
    assert user.full_name == "Nouvelle Recrue"
    assert user.check_password(PASSWORD)
    # Signed in, but the app stays closed until the second factor is set up.
    assert newcomer.get(reverse("accounts:account"))["Location"] == reverse("accounts:mfa_verify")
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert len(events("invitation.created")) == 1
    assert events("invitation.accepted")[0].actor_id == user.pk


def test_it_opens_a_link_only_once(client: Client, personas: Personas) -> None:
    issued = services.invitation_create(
        actor=personas.steward_a, email="once@example.org", role=OrgRole.RECORDER
    )
    path = reverse("accounts:invitation_accept", args=[issued.token])
    _join(client, path)
    assert Client().get(path).status_code == 404
    assert User.objects.filter(email="once@example.org").count() == 1


def test_it_refuses_an_expired_or_revoked_link(client: Client, personas: Personas) -> None:
    expired = services.invitation_create(
        actor=personas.steward_a, email="late@example.org", role=OrgRole.RECORDER
    )
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    revoked = services.invitation_create(
        actor=personas.steward_a, email="gone@example.org", role=OrgRole.RECORDER
    )
    services.invitation_revoke(actor=personas.steward_a, invitation=revoked.invitation)
    for issued in (expired, revoked):
        path = reverse("accounts:invitation_accept", args=[issued.token])
        assert client.get(path).status_code == 404
        assert _join(client, path).status_code == 404
    assert client.get(reverse("accounts:invitation_accept", args=["made-up"])).status_code == 404
    assert not User.objects.filter(email__in=["late@example.org", "gone@example.org"]).exists()


def test_it_refuses_an_address_that_has_an_account_elsewhere(
    client: Client, personas: Personas
) -> None:
    login_verified(client, personas.steward_a)
    response = client.post(
        INVITE,
        {"email": personas.recorder_b.email, "role": OrgRole.RECORDER},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "A person may belong to one organisation only." in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("recorder.a@example.org", "already a member of your organisation"),
        ("analyst@example.org", "without an organisation"),
        ("not-an-email", "valid email"),
    ],
)
def test_it_refuses_other_addresses_with_a_reason(
    personas: Personas, email: str, message: str
) -> None:
    with pytest.raises(services.AccountError, match=message):
        services.invitation_create(actor=personas.steward_a, email=email, role=OrgRole.RECORDER)


def test_it_refuses_a_second_organisation_once_the_first_was_joined(personas: Personas) -> None:
    first = services.invitation_create(
        actor=personas.steward_a, email="both@example.org", role=OrgRole.RECORDER
    )
    second = services.invitation_create(
        actor=personas.steward_b, email="both@example.org", role=OrgRole.STEWARD
    )
    services.invitation_accept(token=first.token, full_name="B", password=PASSWORD)
    with pytest.raises(services.AccountError, match="one organisation only"):
        services.invitation_accept(token=second.token, full_name="B", password=PASSWORD)
    assert User.objects.get(email="both@example.org").organisation == personas.org_a


def test_it_replaces_a_pending_invitation_to_the_same_address(personas: Personas) -> None:
    first = services.invitation_create(
        actor=personas.steward_a, email="twice@example.org", role=OrgRole.RECORDER
    )
    services.invitation_create(
        actor=personas.steward_a, email="twice@example.org", role=OrgRole.STEWARD
    )
    first.invitation.refresh_from_db()
    assert first.invitation.revoked_at is not None
    assert Invitation.objects.pending().get().role == OrgRole.STEWARD


def test_it_refuses_a_weak_password_and_keeps_the_link(client: Client, personas: Personas) -> None:
    issued = services.invitation_create(
        actor=personas.steward_a, email="weak@example.org", role=OrgRole.RECORDER
    )
    path = reverse("accounts:invitation_accept", args=[issued.token])
    response = client.post(
        path, {"full_name": "W", "password1": "password1234", "password2": "password1234"}
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert Invitation.objects.pending().count() == 1


def test_it_lets_only_stewards_invite(personas: Personas) -> None:
    with pytest.raises(services.AccountError):
        services.invitation_create(
            actor=personas.recorder_a, email="x@example.org", role=OrgRole.RECORDER
        )
    with pytest.raises(services.AccountError):
        services.invitation_create(
            actor=personas.admin, email="x@example.org", role=OrgRole.RECORDER
        )


def test_it_forbids_the_invite_page_to_a_recorder(client: Client, personas: Personas) -> None:
    login_verified(client, personas.recorder_a)
    assert client.get(INVITE).status_code == 403
    assert client.post(INVITE, {"email": "x@example.org", "role": "steward"}).status_code == 403
    assert events("authz.denied")


def test_it_revokes_only_its_own_organisation_invitations(
    client: Client, personas: Personas
) -> None:
    theirs = services.invitation_create(
        actor=personas.steward_b, email="theirs@example.org", role=OrgRole.RECORDER
    )
    login_verified(client, personas.steward_a)
    url = reverse("accounts:invitation_revoke", args=[theirs.invitation.pk])
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    theirs.invitation.refresh_from_db()
    assert theirs.invitation.revoked_at is None


def test_it_revokes_an_invitation(client: Client, personas: Personas) -> None:
    ours = services.invitation_create(
        actor=personas.steward_a, email="ours@example.org", role=OrgRole.RECORDER
    )
    login_verified(client, personas.steward_a)
    url = reverse("accounts:invitation_revoke", args=[ours.invitation.pk])
    assert client.post(url)["Location"] == reverse("accounts:members")
    assert not Invitation.objects.pending().exists()
    assert events("invitation.revoked")[0].details == {"reason": "revoked"}


def test_it_refuses_other_methods_on_the_accept_page(client: Client, personas: Personas) -> None:
    issued = services.invitation_create(
        actor=personas.steward_a, email="m@example.org", role=OrgRole.RECORDER
    )
    path = reverse("accounts:invitation_accept", args=[issued.token])
    assert client.put(path).status_code == 405
    assert client.put(INVITE).status_code == 405


def test_it_names_the_role_in_correct_french(client: Client, personas: Personas) -> None:
    # "en tant que Encodeur" needs an elision; the French text names the role without it.
    login_verified(client, personas.steward_a)
    client.post(INVITE, {"email": "new.member@example.org", "role": OrgRole.RECORDER})
    body = str(mail.outbox[-1].body)
    assert "avec le rôle « Encodeur »" in body
    page = Client().get(_accept_path()).content.decode()
    assert "avec le rôle « Encodeur »" in page
    for text in (body, page):
        assert not re.search(r"en tant que [AEIOUÉÈHaeiouéèh]", text)


def test_it_titles_the_pending_invitations_once(client: Client, personas: Personas) -> None:
    login_verified(client, personas.steward_a)
    client.post(INVITE, {"email": "new.member@example.org", "role": OrgRole.RECORDER})
    html = client.get(reverse("accounts:members")).content.decode()
    assert html.count("Invitations en attente") == 1  # a heading, not a heading and a caption
    assert 'aria-labelledby="h-invitations"' in html

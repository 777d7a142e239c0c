"""A steward's members page: list, role changes, deactivation; scoped to their organisation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from balise.accounts import services
from balise.accounts.models import Authenticator, OrgRole, User
from tests.accounts.helpers import events, sign_in_password
from tests.conftest import Personas, login_verified, make_user

MEMBERS = reverse("accounts:members")


def _role_url(user: User) -> str:
    return reverse("accounts:member_set_role", args=[user.pk])


def _deactivate_url(user: User) -> str:
    return reverse("accounts:member_deactivate", args=[user.pk])


def test_it_lists_members_and_pending_invitations(client: Client, personas: Personas) -> None:
    services.invitation_create(
        actor=personas.steward_a, email="pending@example.org", role=OrgRole.RECORDER
    )
    services.invitation_create(
        actor=personas.steward_b, email="elsewhere@example.org", role=OrgRole.RECORDER
    )
    login_verified(client, personas.steward_a)
    response = client.get(MEMBERS)
    page = response.content.decode()
    assert response.status_code == 200
    assert personas.recorder_a.email in page
    assert personas.recorder_b.email not in page
    assert "pending@example.org" in page
    assert "elsewhere@example.org" not in page


def test_it_lists_members_in_a_fixed_number_of_queries(client: Client, personas: Personas) -> None:
    login_verified(client, personas.steward_a)
    with CaptureQueriesContext(connection) as few:
        client.get(MEMBERS)
    for i in range(5):
        make_user(f"extra{i}@example.org", organisation=personas.org_a, org_role=OrgRole.RECORDER)
    with CaptureQueriesContext(connection) as many:
        client.get(MEMBERS)
    assert len(many) == len(few)


def test_it_changes_a_member_role(client: Client, personas: Personas) -> None:
    login_verified(client, personas.steward_a)
    response = client.post(_role_url(personas.recorder_a), {"role": OrgRole.STEWARD})
    assert response["Location"] == MEMBERS
    personas.recorder_a.refresh_from_db()
    assert personas.recorder_a.org_role == OrgRole.STEWARD
    (event,) = events("member.role_changed")
    assert event.details == {"from": "recorder", "to": "steward"}
    assert event.object_id == str(personas.recorder_a.pk)


def test_it_keeps_at_least_one_steward(client: Client, personas: Personas) -> None:
    login_verified(client, personas.steward_a)
    client.post(_role_url(personas.steward_a), {"role": OrgRole.RECORDER})
    client.post(_deactivate_url(personas.steward_a))
    personas.steward_a.refresh_from_db()
    assert personas.steward_a.org_role == OrgRole.STEWARD
    assert personas.steward_a.is_active
    assert events("member.role_changed") == events("member.deactivated") == []


def test_it_lets_a_steward_step_down_when_another_remains(personas: Personas) -> None:
    services.member_set_role(
        actor=personas.steward_a, member=personas.recorder_a, role=OrgRole.STEWARD
    )
    services.member_set_role(
        actor=personas.steward_a, member=personas.steward_a, role=OrgRole.RECORDER
    )
    personas.steward_a.refresh_from_db()
    assert personas.steward_a.org_role == OrgRole.RECORDER


def test_it_deactivates_a_member_and_ends_their_sessions(
    client: Client, personas: Personas
) -> None:
    victim = login_verified(Client(), personas.recorder_a)
    login_verified(client, personas.steward_a)
    assert (
        client.post(_deactivate_url(personas.recorder_a), {"confirm": "yes"})["Location"] == MEMBERS
    )
    personas.recorder_a.refresh_from_db()
    assert not personas.recorder_a.is_active
    assert personas.recorder_a.session_epoch == 1
    assert victim.get(reverse("accounts:account")).status_code == 302
    assert len(events("member.deactivated")) == 1


def test_it_answers_404_for_another_organisation_member(client: Client, personas: Personas) -> None:
    login_verified(client, personas.steward_a)
    assert client.post(_role_url(personas.recorder_b), {"role": "steward"}).status_code == 404
    assert client.post(_deactivate_url(personas.recorder_b)).status_code == 404
    assert client.post(_deactivate_url(personas.analyst)).status_code == 404
    personas.recorder_b.refresh_from_db()
    assert personas.recorder_b.org_role == OrgRole.RECORDER
    assert personas.recorder_b.is_active


def test_it_refuses_a_cross_organisation_change_in_the_service(personas: Personas) -> None:
    with pytest.raises(services.AccountError):
        services.member_deactivate(actor=personas.steward_a, member=personas.recorder_b)


@pytest.mark.parametrize("persona", ["recorder_a", "analyst", "admin", "loner"])
def test_it_forbids_the_members_pages_to_non_stewards(
    client: Client, personas: Personas, persona: str
) -> None:
    login_verified(client, getattr(personas, persona))
    assert client.get(MEMBERS).status_code == 403
    assert client.post(_role_url(personas.recorder_a), {"role": "steward"}).status_code == 403
    assert client.post(_deactivate_url(personas.recorder_a)).status_code == 403


def test_it_refuses_wrong_methods(client: Client, personas: Personas) -> None:
    login_verified(client, personas.steward_a)
    assert client.post(MEMBERS).status_code == 405
    assert client.get(_role_url(personas.recorder_a)).status_code == 405
    assert client.get(_deactivate_url(personas.recorder_a)).status_code == 405


def test_it_sends_an_anonymous_visitor_to_sign_in(client: Client, db: None) -> None:
    assert client.get(MEMBERS)["Location"].startswith(reverse("accounts:login"))


def test_it_resets_a_member_second_factor(client: Client, personas: Personas) -> None:
    member = personas.recorder_a
    lost = login_verified(Client(), member)
    services.recovery_codes_regenerate(user=member)
    login_verified(client, personas.steward_a)
    url = reverse("accounts:member_mfa_reset", args=[member.pk])
    assert client.get(url).status_code == 405
    assert client.post(url)["Location"] == MEMBERS
    assert not Authenticator.objects.filter(user=member).exists()
    assert services.recovery_codes_left(user=member) == 0
    assert lost.get(reverse("accounts:account")).status_code == 302
    assert events("member.mfa_reset")[0].object_id == str(member.pk)
    # At the next sign-in the member enrols a new authenticator.
    assert sign_in_password(Client(), member.email).startswith(reverse("accounts:mfa_setup"))


def test_it_does_not_reset_another_organisation_or_oneself(
    client: Client, personas: Personas
) -> None:
    login_verified(Client(), personas.recorder_b)  # gives recorder_b an authenticator
    login_verified(client, personas.steward_a)
    other = reverse("accounts:member_mfa_reset", args=[personas.recorder_b.pk])
    assert client.post(other).status_code == 404
    assert Authenticator.objects.filter(user=personas.recorder_b).exists()
    own = reverse("accounts:member_mfa_reset", args=[personas.steward_a.pk])
    assert client.post(own)["Location"] == MEMBERS
    assert Authenticator.objects.filter(user=personas.steward_a).exists()
    assert events("member.mfa_reset") == []
    recorder = login_verified(Client(), personas.recorder_a)
    assert recorder.post(own).status_code == 403


def test_it_never_lets_a_steward_deactivate_themselves(client: Client, personas: Personas) -> None:
    # Even with another steward: leaving is done by another steward, never by oneself.
    services.member_set_role(
        actor=personas.steward_a, member=personas.recorder_a, role=OrgRole.STEWARD
    )
    login_verified(client, personas.steward_a)
    assert _deactivate_url(personas.steward_a) not in client.get(MEMBERS).content.decode()
    response = client.post(_deactivate_url(personas.steward_a), {"confirm": "yes"})
    assert response["Location"] == MEMBERS
    personas.steward_a.refresh_from_db()
    assert personas.steward_a.is_active
    assert events("member.deactivated") == []


def test_it_asks_for_confirmation_then_offers_reactivation(
    client: Client, personas: Personas
) -> None:
    login_verified(client, personas.steward_a)
    confirm = client.post(_deactivate_url(personas.recorder_a))
    assert confirm.status_code == 200
    assert 'name="confirm" value="yes"' in confirm.content.decode()
    personas.recorder_a.refresh_from_db()
    assert personas.recorder_a.is_active  # nothing happened yet
    client.post(_deactivate_url(personas.recorder_a), {"confirm": "yes"})
    personas.recorder_a.refresh_from_db()
    assert not personas.recorder_a.is_active
    reactivate = reverse("accounts:member_reactivate", args=[personas.recorder_a.pk])
    assert reactivate in client.get(MEMBERS).content.decode()
    assert client.post(reactivate)["Location"] == MEMBERS
    personas.recorder_a.refresh_from_db()
    assert personas.recorder_a.is_active
    assert len(events("member.reactivated")) == 1
    assert (
        client.post(
            reverse("accounts:member_reactivate", args=[personas.recorder_b.pk])
        ).status_code
        == 404
    )

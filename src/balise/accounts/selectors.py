"""Reads that depend on who asks: a steward sees only their own organisation's people."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from balise.accounts.models import Authenticator, Invitation, User


def organisation_members(steward: User) -> QuerySet[User]:
    if steward.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=steward.organisation_id).order_by("email")


def member_of(steward: User, pk: int) -> User:
    """A member of the steward's organisation; anyone else answers 404."""
    return get_object_or_404(organisation_members(steward), pk=pk)


def pending_invitations(steward: User) -> QuerySet[Invitation]:
    if steward.organisation_id is None:
        return Invitation.objects.none()
    return Invitation.objects.pending().filter(organisation_id=steward.organisation_id)


def invitation_of(steward: User, pk: int) -> Invitation:
    if steward.organisation_id is None:
        return get_object_or_404(Invitation.objects.none(), pk=pk)
    return get_object_or_404(
        Invitation.objects.filter(organisation_id=steward.organisation_id), pk=pk
    )


def has_authenticator(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, confirmed=True).exists())

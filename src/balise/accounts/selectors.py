"""Reads that depend on who asks: a steward sees only their own organisation's people."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from balise.accounts.models import Authenticator, Invitation, User
from balise.audit.services import record_not_visible


def organisation_members(steward: User) -> QuerySet[User]:
    if steward.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=steward.organisation_id).order_by("email")


def member_of(steward: User, pk: int) -> User:
    """A member of the steward's organisation; anyone else answers 404 (audited when the
    person exists: a look-up outside one's organisation)."""
    try:
        return organisation_members(steward).get(pk=pk)
    except User.DoesNotExist:
        if User.objects.filter(pk=pk).exists():
            record_not_visible(actor=steward, object_type="user", object_id=pk)
        raise Http404 from None


def pending_invitations(steward: User) -> QuerySet[Invitation]:
    if steward.organisation_id is None:
        return Invitation.objects.none()
    return Invitation.objects.pending().filter(organisation_id=steward.organisation_id)


def invitation_of(steward: User, pk: int) -> Invitation:
    """An invitation of the steward's organisation; any other answers 404 (audited when it
    exists)."""
    try:
        return organisation_invitations(steward).get(pk=pk)
    except Invitation.DoesNotExist:
        if Invitation.objects.filter(pk=pk).exists():
            record_not_visible(actor=steward, object_type="invitation", object_id=pk)
        raise Http404 from None


def organisation_invitations(steward: User) -> QuerySet[Invitation]:
    """Every invitation of the steward's organisation, pending or not."""
    if steward.organisation_id is None:
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation_id=steward.organisation_id)


def has_authenticator(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, confirmed=True).exists())


def any_invitation(pk: int) -> Invitation:
    """Any invitation (administrators approve steward invitations of every organisation)."""
    try:
        return Invitation.objects.get(pk=pk)
    except Invitation.DoesNotExist:
        raise Http404 from None

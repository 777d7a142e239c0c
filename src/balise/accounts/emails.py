"""Emails sent by accounts, rendered from translated templates in the sender's language."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from balise.accounts.models import Invitation, OrgRole, PlatformRole, User
from balise.accounts.services import IssuedInvitation
from balise.mail.services import mail_queue


def send_invitation(request: HttpRequest, issued: IssuedInvitation) -> None:
    invitation = issued.invitation
    context = {
        "organisation": invitation.organisation.name,
        "role": invitation.get_role_display(),
        "accept_url": request.build_absolute_uri(
            reverse("accounts:invitation_accept", args=[issued.token])
        ),
        "expires_at": invitation.expires_at,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation.txt", context)
    mail_queue(to=invitation.email, subject=subject, text=body, purpose="accounts.invitation")


def approvers_of(invitation: Invitation) -> list[str]:
    """Who is told of a steward invitation awaiting approval: the organisation's active
    stewards; an organisation without one (its first steward) relies on the other
    administrators."""
    stewards = User.objects.filter(
        organisation_id=invitation.organisation_id, org_role=OrgRole.STEWARD, is_active=True
    )
    if stewards.exists():
        return sorted(stewards.values_list("email", flat=True))
    admins = User.objects.filter(platform_role=PlatformRole.ADMIN, is_active=True)
    if invitation.invited_by_id is not None:
        admins = admins.exclude(pk=invitation.invited_by_id)
    return sorted(admins.values_list("email", flat=True))


def send_approval_request(request: HttpRequest, invitation: Invitation) -> list[str]:
    """Tell the approvers that an administrator's steward invitation awaits them; the
    addresses written to."""
    recipients = approvers_of(invitation)
    has_stewards = User.objects.filter(
        organisation_id=invitation.organisation_id, org_role=OrgRole.STEWARD, is_active=True
    ).exists()
    page = (
        reverse("accounts:members")
        if has_stewards
        else reverse("network:steward_invite", args=[invitation.organisation_id])
    )
    context = {
        "organisation": invitation.organisation.name,
        "email": invitation.email,
        "approve_url": request.build_absolute_uri(page),
    }
    subject = render_to_string("accounts/email/invitation_approval_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_approval.txt", context)
    for recipient in recipients:  # one message each: approvers do not learn each other's address
        mail_queue(to=recipient, subject=subject, text=body, purpose="accounts.approval_request")
    return recipients

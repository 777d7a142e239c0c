"""Emails sent by accounts, rendered from translated templates in the sender's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from balise.accounts.services import IssuedInvitation


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
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])

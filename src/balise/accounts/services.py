"""Every write on accounts: keyword-only, atomic, validated, audited.

Views call these functions and turn ``AccountError`` into a message on the page; nothing here
reads the request except to copy its id into the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from balise.accounts.models import Authenticator, Invitation, OrgRole, User
from balise.api.tokens import RevokeReason, tokens_revoke_all
from balise.audit.models import AuditEvent
from balise.audit.services import record_event

INVITATION_LIFETIME = timedelta(days=7)
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"
_RECOVERY_SALT = "balise.accounts.recovery_code"


class AccountError(Exception):
    """A refused change, with a translated message meant for the person who asked."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_steward(actor: User) -> int:
    """The steward's organisation id; refuses anyone else."""
    if not (actor.is_active and actor.is_steward) or actor.organisation_id is None:
        raise AccountError(_("Only a steward of the organisation may do this."))
    return actor.organisation_id


def _require_same_organisation(actor: User, member: User) -> None:
    _require_steward(actor)
    if member.organisation_id != actor.organisation_id:
        # Views fetch members through a scoped query (404); this is the last line of defence.
        raise AccountError(_("This person is not a member of your organisation."))


def _other_active_stewards(member: User) -> int:
    if member.organisation_id is None:
        return 0
    return (
        User.objects.filter(
            organisation_id=member.organisation_id, org_role=OrgRole.STEWARD, is_active=True
        )
        .exclude(pk=member.pk)
        .count()
    )


# --- Invitations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # the secret for the link; only its hash is stored ("" while awaiting approval)

    @property
    def awaits_approval(self) -> bool:
        return not self.token


@transaction.atomic
def invitation_create(
    *, actor: User, email: str, role: str, request: HttpRequest | None = None
) -> IssuedInvitation:
    """Invite ``email`` into the actor's organisation with ``role``; a pending one is replaced."""
    organisation_id = _require_steward(actor)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AccountError(_("Enter a valid email address.")) from exc
    if role not in OrgRole.values:
        raise AccountError(_("Choose a role: recorder or steward."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if existing.organisation_id == actor.organisation_id:
            raise AccountError(_("This person is already a member of your organisation."))
        if existing.organisation_id is not None:
            raise AccountError(
                _(
                    "This address already has a Balise account in another organisation. "
                    "A person may belong to one organisation only."
                )
            )
        raise AccountError(
            _(
                "This address already has a Balise account without an organisation. "
                "Ask an administrator to attach it to your organisation."
            )
        )
    return invitation_issue(
        actor=actor, organisation_id=organisation_id, email=email, role=role, request=request
    )


def invitation_issue(
    *,
    actor: User | None,
    organisation_id: int,
    email: str,
    role: str,
    request: HttpRequest | None = None,
    details: dict[str, str] | None = None,
    approved: bool = True,
) -> IssuedInvitation:
    """Issue an invitation after the caller's checks; a pending one to the same address is
    replaced. Shared by stewards (their organisation) and administrators (a steward).

    Not ``approved``, the invitation has no link yet (the hash stored is that of a secret thrown
    away): ``invitation_approve`` makes the link once a second person agrees.
    """
    for previous in Invitation.objects.pending().filter(
        organisation_id=organisation_id, email=email
    ):
        _revoke(
            actor=actor,
            invitation=previous,
            request=request,
            reason="replaced",
            organisation_id=organisation_id,
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation_id=organisation_id,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        approved_at=now if approved else None,
        approved_by=actor if approved else None,
    )
    record_event(
        "invitation.created",
        request=request,
        actor=actor,
        organisation_id=organisation_id,
        object_type="invitation",
        object_id=invitation.pk,
        details={
            "email": email,
            "role": role,
            **({} if approved else {"awaiting_approval": "yes"}),
            **(details or {}),
        },
    )
    return IssuedInvitation(invitation=invitation, token=token if approved else "")


def may_approve(actor: User, invitation: Invitation) -> bool:
    """An active steward of the invitation's organisation, or an administrator other than the
    one who made it (an administrator never approves their own invitation)."""
    if not actor.is_active:
        return False
    if actor.is_steward and actor.organisation_id == invitation.organisation_id:
        return True
    return actor.is_administrator and actor.pk != invitation.invited_by_id


@transaction.atomic
def invitation_approve(
    *, actor: User, invitation: Invitation, request: HttpRequest | None = None
) -> IssuedInvitation:
    """Approve an administrator's steward invitation: its link is made now, valid 7 days."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not may_approve(actor, invitation):
        raise AccountError(
            _(
                "This invitation needs the approval of a steward of the organisation or of "
                "another administrator than the one who made it."
            )
        )
    if not (invitation.is_pending and invitation.awaits_approval):
        raise AccountError(_("This invitation no longer awaits approval."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.approved_at = now
    invitation.approved_by = actor
    invitation.expires_at = now + INVITATION_LIFETIME
    invitation.save(update_fields=["token_hash", "approved_at", "approved_by", "expires_at"])
    record_event(
        "invitation.approved",
        request=request,
        actor=actor,
        organisation_id=invitation.organisation_id,
        object_type="invitation",
        object_id=invitation.pk,
        details={"role": invitation.role},
    )
    return IssuedInvitation(invitation=invitation, token=token)


def invitation_for_token(token: str) -> Invitation | None:
    """The pending invitation a link's token opens, or None (unknown, used, revoked, expired)."""
    return (
        Invitation.objects.pending()
        .filter(token_hash=hash_token(token), approved_at__isnull=False)
        .first()
    )


@transaction.atomic
def invitation_accept(
    *, token: str, full_name: str, password: str, request: HttpRequest | None = None
) -> User:
    """Create the invitee's account; the link works once. Raises AccountError or ValidationError."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            token_hash=hash_token(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            approved_at__isnull=False,
        )
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        raise AccountError(_("This invitation link is invalid, has expired or was already used."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise AccountError(
            _(
                "This address already has a Balise account. "
                "A person may belong to one organisation only."
            )
        )
    full_name = full_name.strip()
    if not full_name:
        raise AccountError(_("Enter your name."))
    user = User(
        email=invitation.email,
        full_name=full_name,
        organisation_id=invitation.organisation_id,
        org_role=invitation.role,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        "invitation.accepted",
        request=request,
        actor=user,
        object_type="invitation",
        object_id=invitation.pk,
        details={"role": invitation.role},
    )
    return user


def _revoke(
    *,
    actor: User | None,
    invitation: Invitation,
    request: HttpRequest | None,
    reason: str,
    organisation_id: int | None = None,
) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        "invitation.revoked",
        request=request,
        actor=actor,
        organisation_id=organisation_id,
        object_type="invitation",
        object_id=invitation.pk,
        details={"reason": reason},
    )


@transaction.atomic
def invitation_revoke(
    *, actor: User, invitation: Invitation, request: HttpRequest | None = None
) -> None:
    _require_steward(actor)
    if invitation.organisation_id != actor.organisation_id:
        raise AccountError(_("This invitation belongs to another organisation."))
    if not invitation.is_pending:
        raise AccountError(_("This invitation is no longer pending."))
    _revoke(actor=actor, invitation=invitation, request=request, reason="revoked")


# --- Members -----------------------------------------------------------------------------------


@transaction.atomic
def member_set_role(
    *, actor: User, member: User, role: str, request: HttpRequest | None = None
) -> None:
    _require_same_organisation(actor, member)
    if role not in OrgRole.values:
        raise AccountError(_("Choose a role: recorder or steward."))
    if role == member.org_role:
        return
    if member.org_role == OrgRole.STEWARD and _other_active_stewards(member) == 0:
        raise AccountError(_("An organisation needs at least one active steward."))
    previous = member.org_role
    member.org_role = role
    member.save(update_fields=["org_role"])
    record_event(
        "member.role_changed",
        request=request,
        actor=actor,
        object_type="user",
        object_id=member.pk,
        details={"from": previous, "to": role},
    )


@transaction.atomic
def member_deactivate(*, actor: User, member: User, request: HttpRequest | None = None) -> None:
    """Disable the account and end every one of its sessions."""
    _require_same_organisation(actor, member)
    if member.pk == actor.pk:
        raise AccountError(
            _("You cannot deactivate your own account: ask another steward of your organisation.")
        )
    if not member.is_active:
        raise AccountError(_("This member is already deactivated."))
    if member.org_role == OrgRole.STEWARD and _other_active_stewards(member) == 0:
        raise AccountError(_("An organisation needs at least one active steward."))
    member.is_active = False
    member.session_epoch = F("session_epoch") + 1
    member.save(update_fields=["is_active", "session_epoch"])
    member.refresh_from_db(fields=["session_epoch"])
    record_event(
        "member.deactivated", request=request, actor=actor, object_type="user", object_id=member.pk
    )
    # Reactivating the account later must not bring its old tokens back.
    tokens_revoke_all(user=member, reason=RevokeReason.DEACTIVATED, actor=actor, request=request)


@transaction.atomic
def member_reactivate(*, actor: User, member: User, request: HttpRequest | None = None) -> None:
    """Open a deactivated member's account again (their old sessions and API tokens stay ended)."""
    _require_same_organisation(actor, member)
    if member.is_active:
        raise AccountError(_("This member is already active."))
    member.is_active = True
    member.save(update_fields=["is_active"])
    record_event(
        "member.reactivated", request=request, actor=actor, object_type="user", object_id=member.pk
    )


@transaction.atomic
def member_reset_mfa(*, actor: User, member: User, request: HttpRequest | None = None) -> None:
    """Remove a member's authenticator and recovery codes (phone and codes lost).

    Their sessions end; at the next sign-in they enrol a new authenticator. A steward uses this
    only after checking the person's identity out of band; they cannot do it for themselves.
    """
    _require_same_organisation(actor, member)
    if member.pk == actor.pk:
        raise AccountError(_("Replace your own authenticator from My account."))
    Authenticator.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()
    member.session_epoch = F("session_epoch") + 1
    member.save(update_fields=["session_epoch"])
    member.refresh_from_db(fields=["session_epoch"])
    record_event(
        "member.mfa_reset", request=request, actor=actor, object_type="user", object_id=member.pk
    )
    tokens_revoke_all(user=member, reason=RevokeReason.MFA_RESET, actor=actor, request=request)


# --- The person's own account ------------------------------------------------------------------


@transaction.atomic
def user_logout_everywhere(*, user: User, request: HttpRequest | None = None) -> None:
    """End every session of ``user``: the epoch is part of the session hash (see models)."""
    user.session_epoch = F("session_epoch") + 1
    user.save(update_fields=["session_epoch"])
    user.refresh_from_db(fields=["session_epoch"])
    record_event("auth.logout_everywhere", request=request, actor=user)
    tokens_revoke_all(user=user, reason=RevokeReason.LOGOUT_EVERYWHERE, request=request)


@transaction.atomic
def user_password_changed(*, user: User, reset: bool, request: HttpRequest | None = None) -> None:
    """Record a new password (changed signed in, or reset by email) and revoke the API tokens.

    Django's forms set the password and the new hash ends every other session; a token is not
    a session, so it is revoked here.
    """
    record_event(
        "auth.password_reset_completed" if reset else "auth.password_changed",
        request=request,
        actor=user,
    )
    reason = RevokeReason.PASSWORD_RESET if reset else RevokeReason.PASSWORD_CHANGED
    tokens_revoke_all(user=user, reason=reason, request=request)


def totp_device_pending(*, user: User) -> Authenticator:
    """The unconfirmed authenticator being enrolled (its key must survive between requests)."""
    device = Authenticator.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = Authenticator.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def mfa_enrol(
    *, user: User, device: Authenticator, code: str, request: HttpRequest | None = None
) -> list[str] | None:
    """Confirm ``device`` with a code from the app; replaces older authenticators.

    Returns fresh recovery codes, or None when the code is wrong.
    """
    if device.user_id != user.pk or device.confirmed:
        raise AccountError(_("This authenticator cannot be confirmed."))
    if not device.verify_token(_without_spaces(code)):
        record_event("auth.mfa_failed", request=request, actor=user, details={"step": "enrol"})
        return None
    Authenticator.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event(
        "auth.mfa_enrolled",
        request=request,
        actor=user,
        object_type="otp_device",
        object_id=device.pk,
    )
    return _new_recovery_codes(user)


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    codes = _new_recovery_codes(user)
    record_event("auth.recovery_codes_regenerated", request=request, actor=user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(code)) for code in codes
    )
    return codes


def recovery_codes_left(*, user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def _without_spaces(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_code_digest(code: str) -> str:
    """What is stored for a recovery code: a keyed hash, so a copy of the database reveals none.

    django-otp keeps static tokens in a 16-character column and compares them as given; we store
    64 bits of HMAC-SHA256 under the ``SECRET_KEY`` (held outside the database) instead of the
    code itself (ASVS 6.5.2). Rotating ``SECRET_KEY`` therefore voids existing recovery codes.
    """
    normalised = normalise_recovery_code(code)
    return salted_hmac(_RECOVERY_SALT, normalised, algorithm="sha256").hexdigest()[:16]


@dataclass(frozen=True)
class MfaCheck:
    """The outcome of a second-factor attempt."""

    device: Device | None
    throttled: bool = False
    used_recovery_code: bool = False


def mfa_check(*, user: User, code: str, request: HttpRequest | None = None) -> MfaCheck:
    """Verify a TOTP code (6 digits) or a recovery code; both are single use and throttled.

    TOTP codes cannot be replayed: django-otp keeps the last accepted time step (``last_t``)
    and accepts only later ones; recovery codes are deleted when used.
    """
    digits = _without_spaces(code)
    if digits.isdigit() and len(digits) == 6:
        device: Device | None = (
            Authenticator.objects.filter(user=user, confirmed=True).order_by("-pk").first()
        )
        token, recovery = digits, False
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        token, recovery = recovery_code_digest(code), True
    if device is None:
        record_event("auth.mfa_failed", request=request, actor=user, details={"reason": "device"})
        return MfaCheck(device=None)
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        record_event(
            "auth.mfa_failed", request=request, actor=user, details={"reason": "throttled"}
        )
        return MfaCheck(device=None, throttled=True)
    verified = otp_verify_token(user, device.persistent_id, token)
    if verified is None:
        record_event(
            "auth.mfa_failed",
            request=request,
            actor=user,
            details={"reason": "recovery_code" if recovery else "totp"},
        )
        return MfaCheck(device=None)
    if recovery:
        record_event(
            "auth.recovery_code_used",
            request=request,
            actor=user,
            details={"left": recovery_codes_left(user=user)},
        )
    else:
        record_event(
            "auth.mfa_verified",
            request=request,
            actor=user,
            object_type="otp_device",
            object_id=verified.pk,
        )
    return MfaCheck(device=verified, used_recovery_code=recovery)


def password_reset_requests_recently(*, email: str, within: timedelta = timedelta(hours=1)) -> int:
    """How many reset emails went to ``email`` lately, counted from the audit log.

    The audit log is the one record shared by every server process, so the limit holds however
    many workers run.
    """
    return AuditEvent.objects.filter(
        action="auth.password_reset_requested",
        created_at__gte=timezone.now() - within,
        details__email=email,
        details__sent=True,
    ).count()

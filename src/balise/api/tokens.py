"""Creating, checking and revoking API tokens.

A token reads ``bal_<prefix>_<secret>``: the prefix finds the row, the secret (256 bits) is
compared against its SHA-256 digest in constant time. A fast hash suffices for random secrets of
this length (nothing to brute-force, unlike passwords).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from balise.api.models import ApiToken
from balise.audit.services import record_event

TOKEN_PREFIX = "bal_"  # noqa: S105 - the public marker of Balise tokens, not a secret
# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_TOKENS_PER_USER = 20
# Every token expires: a forgotten one stops working on its own (no "never").
MAX_LIFETIME_DAYS = 365


class RevokeReason:
    """Why tokens were revoked together: events that change who may act as the account."""

    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an audit reason, not a secret
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an audit reason, not a secret
    LOGOUT_EVERYWHERE = "logout_everywhere"
    MFA_RESET = "mfa_reset"
    DEACTIVATED = "deactivated"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_create(
    *, user: Any, label: str, expires_in_days: int, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the clear text is returned once and never stored."""
    if not 1 <= expires_in_days <= MAX_LIFETIME_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_LIFETIME_DAYS} days, not {expires_in_days}")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            label=label,
            prefix=prefix,
            digest=_digest(secret),
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
        )
        record_event(
            "api_token.create",
            request=request,
            actor=user,
            object_type="api_token",
            object_id=token.pk,
            details={"prefix": prefix, "expires_in_days": expires_in_days},
        )
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


def token_revoke(*, token: ApiToken, request: HttpRequest | None = None) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            "api_token.revoke",
            request=request,
            object_type="api_token",
            object_id=token.pk,
            details={"prefix": token.prefix},
        )


def tokens_revoke_all(
    *, user: Any, reason: str, actor: Any = None, request: HttpRequest | None = None
) -> int:
    """Revoke every token of ``user`` not yet revoked, one audit event each; how many.

    Called by the accounts services when the account's credentials change hands or lose trust
    (password changed or reset, "log out everywhere", second factor reset, deactivation): a token
    made under the old credentials must not outlive them.
    """
    now = timezone.now()
    with transaction.atomic():
        live = list(
            ApiToken.objects.select_for_update().filter(user_id=user.pk, revoked_at__isnull=True)
        )
        for token in live:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            record_event(
                "api_token.revoke",
                request=request,
                actor=actor if actor is not None else user,
                organisation_id=getattr(user, "organisation_id", None),
                object_type="api_token",
                object_id=token.pk,
                details={"prefix": token.prefix, "reason": reason},
            )
    return len(live)


def token_authenticate(raw: str) -> ApiToken | None:
    """The usable token matching ``raw`` (active user, not revoked, not expired), or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    now = timezone.now()
    if not token.is_usable(now) or not token.user.is_active:
        record_event(
            "api_token.refused",
            actor=token.user,
            object_type="api_token",
            object_id=token.pk,
            details={"prefix": token.prefix, "revoked": token.revoked_at is not None},
        )
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    return token

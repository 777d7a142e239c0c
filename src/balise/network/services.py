"""Every write of network administration: keyword-only, atomic, validated, audited.

Views decide who may call these (administrators); the functions check the data and keep the
network consistent (unique organisation names, at least one administrator). ``actor`` is None
for the system itself (``balise demo``).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from balise.accounts.models import (
    Organisation,
    OrgRole,
    PlatformRole,
    Region,
    Sector,
    User,
)
from balise.accounts.services import IssuedInvitation, invitation_issue
from balise.audit.services import record_event
from balise.network.models import KeyCustodian, NetworkKey, WrappedSecret


class NetworkError(Exception):
    """A refused change, with a translated message meant for the person who asked."""


def _clean_organisation(
    *, name: str, sector: str, region: str, exclude_pk: int | None = None
) -> str:
    name = " ".join(name.split())
    if not name:
        raise NetworkError(_("An organisation needs a name."))
    if len(name) > 200:
        raise NetworkError(_("An organisation name has at most 200 characters."))
    if sector not in Sector.values:
        raise NetworkError(_("Choose a sector from the list."))
    if region not in Region.values:
        raise NetworkError(_("Choose a region from the list."))
    clash = Organisation.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise NetworkError(_("Another organisation already has this name."))
    return name


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    sector: str,
    region: str,
    request: HttpRequest | None = None,
) -> Organisation:
    clean_name = _clean_organisation(name=name, sector=sector, region=region)
    organisation = Organisation.objects.create(name=clean_name, sector=sector, region=region)
    record_event(
        "network.organisation_created",
        request=request,
        actor=actor,
        organisation_id=organisation.pk,
        object_type="organisation",
        object_id=organisation.pk,
        details={"sector": sector, "region": region},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    sector: str,
    region: str,
    request: HttpRequest | None = None,
) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    clean_name = _clean_organisation(
        name=name, sector=sector, region=region, exclude_pk=organisation.pk
    )
    new = {"name": clean_name, "sector": sector, "region": region}
    changed = sorted(field for field, value in new.items() if getattr(organisation, field) != value)
    if not changed:
        return organisation
    for field in changed:
        setattr(organisation, field, new[field])
    organisation.save(update_fields=changed)
    record_event(
        "network.organisation_updated",
        request=request,
        actor=actor,
        organisation_id=organisation.pk,
        object_type="organisation",
        object_id=organisation.pk,
        # Field names only: the audit log never holds free text such as a name.
        details={"changed": changed, "sector": organisation.sector, "region": organisation.region},
    )
    return organisation


@transaction.atomic
def platform_role_set(
    *,
    actor: User | None,
    user: User,
    role: str,
    request: HttpRequest | None = None,
) -> User:
    """Give ``user`` the platform role ``role``, or take it away with ``role=""``."""
    if role and role not in PlatformRole.values:
        raise NetworkError(_("Choose a platform role from the list."))
    # Lock the administrators first, so that two administrators demoting each other at the
    # same moment cannot leave the network without one.
    admins = list(
        User.objects.select_for_update()
        .filter(platform_role=PlatformRole.ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    user = User.objects.select_for_update().get(pk=user.pk)
    previous = user.platform_role
    if previous == role:
        return user
    if previous == PlatformRole.ADMIN and admins == [user.pk]:
        raise NetworkError(_("The network needs at least one administrator."))
    user.platform_role = role
    user.save(update_fields=["platform_role"])
    record_event(
        "network.platform_role_changed",
        request=request,
        actor=actor,
        organisation_id=user.organisation_id,
        object_type="user",
        object_id=user.pk,
        details={"role": role, "previous": previous},
    )
    return user


@transaction.atomic
def steward_invite(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    request: HttpRequest | None = None,
) -> IssuedInvitation:
    """Invite a steward into ``organisation`` (how a new organisation gets its first member).

    The invitation is the same as a steward's (accounts.Invitation, accepted at the same link),
    but it waits for the approval of one of the organisation's stewards or of a second
    administrator before any link exists: one administrator alone cannot make themselves (or
    anyone) steward of an organisation and export its situations. A pending invitation of the
    same address to the same organisation is replaced.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise NetworkError(_("Enter a valid email address.")) from exc
    if User.objects.filter(email__iexact=email).exists():
        raise NetworkError(
            _(
                "This address already has a Balise account. "
                "A person may belong to one organisation only."
            )
        )
    return invitation_issue(
        actor=actor,
        organisation_id=organisation.pk,
        email=email,
        role=OrgRole.STEWARD,
        request=request,
        details={"by": "administrator"},
        approved=False,
    )


# --- The network secret, handed out wrapped (docs/privacy.md, "Handing out the network secret")

WRAPPED_FORMAT = "balise-wrapped-secret"
WRAPPED_KEYS = frozenset(
    {"format", "version", "key_id", "kdf", "iterations", "salt", "cipher", "iv", "ciphertext"}
)
# PBKDF2-SHA256 iterations a wrap must use at least (OWASP's 2023 figure for PBKDF2-HMAC-SHA256);
# the browser uses exactly this. The upper bound keeps a forged document from stalling devices.
MIN_ITERATIONS = 600_000
MAX_ITERATIONS = 10_000_000
_KEY_ID = re.compile(r"[0-9a-f]{16}")


def _b64_length(value: object) -> int:
    if not isinstance(value, str) or len(value) > 4096:
        return -1
    try:
        return len(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        return -1


def clean_wrapped(document: object) -> dict[str, Any]:
    """Check the shape of a wrapped secret (the server cannot check more: it has no code)."""
    if not isinstance(document, dict) or set(document) != WRAPPED_KEYS:
        raise NetworkError(_("This is not a wrapped network secret."))
    if document["format"] != WRAPPED_FORMAT or document["version"] != 1:
        raise NetworkError(_("This is not a wrapped network secret."))
    if document["kdf"] != "PBKDF2-SHA256" or document["cipher"] != "AES-256-GCM":
        raise NetworkError(_("This is not a wrapped network secret."))
    iterations = document["iterations"]
    if not isinstance(iterations, int) or not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise NetworkError(_("The wrapped secret's key derivation is too weak."))
    if not isinstance(document["key_id"], str) or not _KEY_ID.fullmatch(document["key_id"]):
        raise NetworkError(_("This is not a wrapped network secret."))
    if _b64_length(document["salt"]) != 16 or _b64_length(document["iv"]) != 12:
        raise NetworkError(_("This is not a wrapped network secret."))
    if not 32 <= _b64_length(document["ciphertext"]) <= 1024:
        raise NetworkError(_("This is not a wrapped network secret."))
    return dict(document)


def _require_custodian(user: User) -> None:
    if not KeyCustodian.objects.filter(user=user).exists():
        raise PermissionDenied


@transaction.atomic
def key_custodian_appoint(
    *, actor: User | None, user: User, request: HttpRequest | None = None
) -> KeyCustodian:
    """Make ``user`` (an active steward) a key custodian of the network."""
    if not user.is_active or user.org_role != OrgRole.STEWARD or user.organisation_id is None:
        raise NetworkError(_("Only an active steward can be the network's key custodian."))
    custodian, created = KeyCustodian.objects.get_or_create(
        user=user, defaults={"appointed_by": actor}
    )
    if created:
        record_event(
            "network.key_custodian_appointed",
            request=request,
            actor=actor,
            organisation_id=user.organisation_id,
            object_type="user",
            object_id=user.pk,
        )
    return custodian


@transaction.atomic
def key_custodian_remove(
    *, actor: User | None, user: User, request: HttpRequest | None = None
) -> None:
    deleted, _rows = KeyCustodian.objects.filter(user=user).delete()
    if deleted:
        record_event(
            "network.key_custodian_removed",
            request=request,
            actor=actor,
            organisation_id=user.organisation_id,
            object_type="user",
            object_id=user.pk,
        )


@transaction.atomic
def network_key_publish(
    *, actor: User, key_id: str, request: HttpRequest | None = None
) -> NetworkKey:
    """Record a new version of the network secret by its key identifier (a custodian only).

    The secret itself never reaches the server; from now on this key is the network's current
    one, and organisations need a new unlock code for it.
    """
    _require_custodian(actor)
    if not _KEY_ID.fullmatch(key_id):
        raise NetworkError(_("A key identifier has 16 hexadecimal digits."))
    if NetworkKey.objects.filter(key_id=key_id).exists():
        raise NetworkError(_("This key identifier is already known: create a new secret."))
    key = NetworkKey.objects.create(key_id=key_id, created_by=actor)
    record_event(
        "network.key_published",
        request=request,
        actor=actor,
        object_type="network_key",
        object_id=key.pk,
        details={"key_id": key_id},
    )
    return key


@transaction.atomic
def wrapped_secret_store(
    *,
    actor: User,
    organisation: Organisation,
    wrapped: object,
    request: HttpRequest | None = None,
) -> WrappedSecret:
    """Keep an organisation's wrapped secret; it replaces the organisation's earlier code.

    A custodian wraps for any organisation, a steward for their own one only. The wrap must be
    of the network's current key.
    """
    own = actor.org_role == OrgRole.STEWARD and actor.organisation_id == organisation.pk
    if not own:
        _require_custodian(actor)
    document = clean_wrapped(wrapped)
    current = NetworkKey.objects.select_for_update().first()
    if current is None or current.key_id != document["key_id"]:
        raise NetworkError(
            _("This secret is not the network's current one: unlock the current secret first.")
        )
    wrap = WrappedSecret.objects.create(
        organisation=organisation, network_key=current, wrapped=document, created_by=actor
    )
    record_event(
        "network.secret_wrapped",
        request=request,
        actor=actor,
        organisation_id=organisation.pk,
        object_type="wrapped_secret",
        object_id=wrap.pk,
        details={"key_id": current.key_id},
    )
    return wrap

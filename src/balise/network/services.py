"""Every write of network administration: keyword-only, atomic, validated, audited.

Views decide who may call these (administrators); the functions check the data and keep the
network consistent (unique organisation names, at least one administrator). ``actor`` is None
for the system itself (``balise demo``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
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

    The invitation is the same as a steward's (accounts.Invitation, accepted at the same link);
    a pending invitation of the same address to the same organisation is replaced.
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
    )

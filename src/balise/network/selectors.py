"""Reads for network administration (administrators see the whole network)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from balise.accounts.models import Organisation, OrgRole, User
from balise.network.models import KeyCustodian, NetworkKey, WrappedSecret


def organisations_with_member_counts() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True)),
        steward_count=Count(
            "members", filter=Q(members__is_active=True, members__org_role=OrgRole.STEWARD)
        ),
    ).order_by("name")


def users_for_roles(query: str = "") -> QuerySet[User]:
    users = User.objects.select_related("organisation").order_by("email")
    if query:
        users = users.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
    return users


# --- The network secret (wrapped copies and key identifiers only) ---


def current_network_key() -> NetworkKey | None:
    """The network's current secret version (the latest one a custodian published)."""
    return NetworkKey.objects.select_related("created_by").first()


def is_key_custodian(user: User) -> bool:
    return KeyCustodian.objects.filter(user_id=user.pk, user__is_active=True).exists()


def key_custodians() -> QuerySet[KeyCustodian]:
    return KeyCustodian.objects.select_related("user", "user__organisation").order_by("user__email")


def stewards_for_custody() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, org_role=OrgRole.STEWARD, key_custodian__isnull=True)
        .exclude(organisation=None)
        .select_related("organisation")
        .order_by("organisation__name", "email")
    )


def organisation_unlock(organisation_id: int | None) -> WrappedSecret | None:
    """The organisation's valid wrapped secret: its latest one, for the current key only."""
    current = current_network_key()
    if current is None or organisation_id is None:
        return None
    return (
        WrappedSecret.objects.filter(organisation_id=organisation_id, network_key=current)
        .select_related("network_key")
        .first()
    )


@dataclass(frozen=True)
class OrganisationWrap:
    organisation: Organisation
    wrap: WrappedSecret | None  # its unlock code for the current key, if any


def unlock_overview() -> list[OrganisationWrap]:
    """Every organisation with its latest wrap of the current key (two queries)."""
    current = current_network_key()
    latest: dict[int, WrappedSecret] = {}
    if current is not None:
        wraps = WrappedSecret.objects.filter(network_key=current).select_related("created_by")
        for wrap in wraps.order_by("created_at", "pk"):
            latest[wrap.organisation_id] = wrap
    return [
        OrganisationWrap(organisation, latest.get(organisation.pk))
        for organisation in Organisation.objects.order_by("name")
    ]

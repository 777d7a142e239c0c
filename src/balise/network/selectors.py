"""Reads for network administration (administrators see the whole network)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from balise.accounts.models import Organisation, OrgRole, User


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

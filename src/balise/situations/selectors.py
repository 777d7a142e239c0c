"""Reads of situations that depend on who asks; views and the API fetch through these."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from balise.accounts.models import User
from balise.audit.services import record_not_visible
from balise.situations.models import Situation, SituationQuerySet


def situations_visible_to(user: User | AnonymousUser) -> SituationQuerySet:
    return Situation.objects.visible_to(user)


def get_situation_or_404(user: User | AnonymousUser, pk: int) -> Situation:
    """The situation if ``user`` may see it; 404 otherwise (another organisation's id is not
    distinguishable from an id that does not exist)."""
    try:
        return Situation.objects.visible_to(user).get(pk=pk)
    except Situation.DoesNotExist:
        if user.is_authenticated and Situation.objects.filter(pk=pk).exists():
            record_not_visible(actor=user, object_type="situation", object_id=pk)
        raise Http404 from None

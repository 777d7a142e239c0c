"""Writes of the guidance: each save appends a version and an audit event."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from balise.accounts.models import User
from balise.audit.services import record_event
from balise.detection.guidance import parse_contacts
from balise.detection.models import GuidanceKey, GuidanceVersion

MAX_BODY = 5000


def guidance_update(
    *,
    key: str,
    language: str,
    body: str,
    actor: User,
    request: HttpRequest | None = None,
) -> GuidanceVersion | None:
    """Save ``body`` as the next version of (key, language); None when nothing changed.

    Raises ValueError for an unknown key or language, an empty or over-long text, or (for the
    contacts) a line that does not parse. The audit event carries ids only, never the text.
    """
    GuidanceKey(key)
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(f"unknown language {language!r}")
    body = "\n".join(line.rstrip() for line in body.strip().splitlines())
    if not body:
        raise ValueError("the text is empty")
    if len(body) > MAX_BODY:
        raise ValueError("the text is too long")
    if key == GuidanceKey.CONTACTS:
        parse_contacts(body)
    with transaction.atomic():
        # Locks the newest row so two coordinators saving at once cannot take the same number
        # (the unique constraint is the last guard when there is no row yet).
        latest = (
            GuidanceVersion.objects.select_for_update()
            .filter(key=key, language=language)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.body == body:
            return None
        number = (latest.version if latest is not None else 0) + 1
        version = GuidanceVersion.objects.create(
            key=key, language=language, version=number, body=body, created_by=actor
        )
        record_event(
            "detection.guidance.update",
            request=request,
            actor=actor,
            object_type="detection.guidance",
            object_id=version.pk,
            details={"key": key, "language": language, "version": number},
        )
    return version

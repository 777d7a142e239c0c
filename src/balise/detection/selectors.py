"""Reads of the guidance: the newest version of each text, its history, the built-in fallback."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from balise.detection.defaults import DEFAULT_GUIDANCE
from balise.detection.guidance import Contact, ContactsError, parse_contacts, steps
from balise.detection.models import GuidanceKey, GuidanceVersion


@dataclass(frozen=True)
class CurrentGuidance:
    key: str
    language: str
    body: str
    version: GuidanceVersion | None  # None: the built-in text, no version saved yet

    @property
    def steps(self) -> list[str]:
        return steps(self.body)

    @property
    def contacts(self) -> list[Contact]:
        try:
            return parse_contacts(self.body)
        except ContactsError:  # saved texts are validated; tolerate a hand-edited row
            return []


def guidance_history(key: str, language: str) -> QuerySet[GuidanceVersion]:
    return GuidanceVersion.objects.filter(key=key, language=language).select_related("created_by")


def current_guidance(key: str, language: str) -> CurrentGuidance:
    """The newest saved version of (key, language), or the built-in text."""
    GuidanceKey(key)  # raises ValueError for an unknown key
    latest = guidance_history(key, language).order_by("-version").first()
    if latest is not None:
        return CurrentGuidance(key, language, latest.body, latest)
    return CurrentGuidance(key, language, DEFAULT_GUIDANCE[key][language], None)


def guidance_overview(languages: list[str]) -> list[tuple[str, str, list[CurrentGuidance]]]:
    """Every key with its current text per language, for the coordinators' list page."""
    latest: dict[tuple[str, str], GuidanceVersion] = {}
    for saved in GuidanceVersion.objects.order_by("key", "language", "-version"):
        latest.setdefault((saved.key, saved.language), saved)
    overview = []
    for key, label in GuidanceKey.choices:
        texts = []
        for language in languages:
            row = latest.get((key, language))
            body = row.body if row else DEFAULT_GUIDANCE[key][language]
            texts.append(CurrentGuidance(key, language, body, row))
        overview.append((key, str(label), texts))
    return overview

"""Guidance texts and contacts per level and language; every save is a new version row.

Rows are never edited: the newest version of a (key, language) pair is the one shown, and the
older ones are the history coordinators see on the edit page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GuidanceKey(models.TextChoices):
    """What a guidance text is for: one per concern level, plus the list of contacts."""

    LOW = "low", _("Low concern")
    MILD = "mild", _("Mild concern")
    MODERATE = "moderate", _("Moderate concern")
    HIGH = "high", _("High concern")
    URGENT = "urgent", _("Immediate danger")
    CONTACTS = "contacts", _("Contacts")


class GuidanceVersion(models.Model):
    key = models.CharField(_("guidance"), max_length=16, choices=GuidanceKey.choices)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["key", "language", "-version"]
        verbose_name = _("guidance version")
        verbose_name_plural = _("guidance versions")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language", "version"], name="detection_guidance_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}/{self.language} v{self.version}"

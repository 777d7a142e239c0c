"""Audit events. Rows are only ever appended; `balise audit verify` re-computes the chain.

Three layers keep rows from changing: the model refuses ``save`` on an existing row and
``delete``; the queryset refuses ``update``, ``delete`` and ``bulk_create`` (which would skip
the chain); and database triggers (migration 0002) refuse UPDATE, DELETE and TRUNCATE from any
client. None of them stops someone who owns the database; the keyed hash chain makes their
changes visible instead (see docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_create(self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any) -> list[Any]:
        raise AppendOnlyError("audit events are appended one by one through record_event")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True)
    # Ids and labels are copied, not foreign keys: events outlive the rows they speak of.
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    organisation_id = models.BigIntegerField(
        _("organisation id"), null=True, blank=True, db_index=True
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects: ClassVar[models.Manager[AuditEvent]] = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

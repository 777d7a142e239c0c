"""Background jobs: one row per long piece of work (an import, later a linkage run).

The row is the only channel between the web page and the worker: status, progress and result are
written here and polled by the page. The uploaded input (``payload``) is dropped once the job is
done with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from balise.accounts.models import User


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: User | Any) -> JobQuerySet:
        """Jobs of the user's organisation; people outside an organisation see their own."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.organisation_id is None:
            return self.filter(owner_id=user.pk, organisation__isnull=True)
        return self.filter(organisation_id=user.organisation_id)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    # Dotted path of a function decorated with @job_handler; set by server code only.
    kind = models.CharField(_("kind"), max_length=128)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        help_text=_("Empty for the system's own jobs (the mail outbox's delivery)."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    stage = models.CharField(_("stage"), max_length=32, blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    payload = models.BinaryField(default=b"", blank=True, editable=False)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"job #{self.pk} {self.kind} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def result_url(self) -> str:
        return str(self.params.get("result_url", ""))

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))

"""The observatory's own data: linkage runs, pseudonymised statistical facts, and releases.

``StatFact`` is the only situation-level data analysts' pages read: one row per situation with
its child cluster (an opaque id), coarsened facts and multi-valued facts as bit masks. It never
holds a note, a reference or an encoding. A ``Release`` is frozen once published: its JSON is
stored and never changes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.disclosure import DEFAULT_THRESHOLD


class LinkageRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    spec_version = models.CharField(_("encoding version"), max_length=8, blank=True)
    key_ids = models.JSONField(_("key identifiers"), default=list)
    situations = models.PositiveIntegerField(_("situations"), default=0)
    encoded = models.PositiveIntegerField(_("situations with an encoding"), default=0)
    children = models.PositiveIntegerField(_("children"), default=0)
    candidates = models.PositiveBigIntegerField(_("candidate pairs"), default=0)
    links = models.PositiveBigIntegerField(_("links"), default=0)
    clusters_kept = models.PositiveIntegerField(_("clusters keeping their id"), default=0)
    clusters_new = models.PositiveIntegerField(_("new clusters"), default=0)
    # Measured on a synthetic quality set with known truth, same engine and parameters.
    quality = models.JSONField(_("quality estimate"), default=dict)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return f"linkage run {self.pk}"


class StatFact(models.Model):
    """One situation as statistics see it (written by each successful linkage run).

    The key is the situation itself: purging or deleting a situation deletes its fact at once,
    without waiting for the next linkage run.
    """

    situation = models.OneToOneField(
        "situations.Situation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    cluster = models.CharField(_("child"), max_length=16, db_index=True)
    # The same child as a small integer (numbered per run): counting distinct integers is what
    # keeps the dashboards fast; only ``cluster`` is stable across runs.
    child = models.BigIntegerField(default=0)
    sector = models.CharField(_("sector"), max_length=32)
    sector_bit = models.BigIntegerField(default=0)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    month = models.DateField(_("detection month"))
    arrondissement = models.CharField(_("arrondissement"), max_length=5)
    province = models.CharField(_("province"), max_length=5)
    age_years = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    age_group = models.CharField(_("age group"), max_length=16)
    gender = models.CharField(_("gender"), max_length=16)
    citizenship_group = models.CharField(_("citizenship"), max_length=16)
    unaccompanied = models.BooleanField(_("unaccompanied"), default=False)
    status = models.CharField(_("status"), max_length=16)
    main_form = models.CharField(_("main form"), max_length=32)
    forms_mask = models.BigIntegerField(default=0)
    channels_mask = models.BigIntegerField(default=0)
    places_mask = models.BigIntegerField(default=0)
    vulnerabilities_mask = models.BigIntegerField(default=0)
    signs_mask = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("statistical fact")
        verbose_name_plural = _("statistical facts")
        indexes = [
            models.Index(fields=["year", "quarter"]),
            models.Index(fields=["sector"]),
            models.Index(fields=["cluster", "sector"]),
        ]

    def __str__(self) -> str:
        return f"situation {self.situation_id} in {self.cluster}"


class ChildCluster(models.Model):
    """The current cluster of each situation, as the last run left it (stability across runs)."""

    situation = models.OneToOneField(
        "situations.Situation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    cluster = models.CharField(max_length=16, db_index=True)
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"situation {self.situation_id} in {self.cluster}"


class ReleaseQuerySet(models.QuerySet["Release"]):
    def published(self) -> ReleaseQuerySet:
        return self.filter(status=Release.Status.PUBLISHED)

    def public(self) -> ReleaseQuerySet:
        """Published and withdrawn releases: a withdrawn one keeps its page, with a notice."""
        return self.filter(status__in=[Release.Status.PUBLISHED, Release.Status.WITHDRAWN])

    def disclosed(self) -> ReleaseQuerySet:
        """Every release whose figures were once public: later releases are checked against
        them, withdrawn or not (a withdrawal cannot make anyone forget a figure)."""
        return self.public()


class Release(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Mode(models.TextChoices):
        CELL_KEY = "cellkey", _("Cell-key perturbation (every cell published, small noise)")
        SUPPRESSION = "suppression", _("Suppression with an audit")
        DP = "dp", _("Differential privacy")

    #: The only fields a published release may still change: its withdrawal.
    WITHDRAWAL_FIELDS = frozenset({"status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"})

    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default="cellkey")
    # Differential privacy only: the epsilon each table spends (the ledger is the published
    # releases' frozen JSON, ``release.privacy``).
    epsilons = models.JSONField(_("epsilon per table"), default=dict, blank=True)
    period = models.PositiveSmallIntegerField(_("year"))
    # A release may cover several years ending with ``period`` (small volumes).
    years = models.PositiveSmallIntegerField(_("years covered"), default=1)
    tables = models.JSONField(_("tables"), default=list)
    geography = models.CharField(_("geography"), max_length=16, default="province")
    age_bands = models.CharField(_("age bands"), max_length=16, default="primero")
    # "grouped" (forms by Eurostat group) or "detailed" (observatory.tables.CATEGORIES).
    categories = models.CharField(_("categories"), max_length=16, default="detailed")
    threshold = models.PositiveSmallIntegerField(_("threshold"), default=DEFAULT_THRESHOLD)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="draft")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(default=timezone.now)
    # The preview: the suppression pattern computed for the draft, and for which data.
    preview = models.JSONField(default=dict, blank=True)
    linkage_run = models.ForeignKey(
        LinkageRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Frozen at publication: the JSON contract, its digest, and the audit's summary.
    content = models.JSONField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    audit_summary = models.JSONField(default=dict, blank=True)
    # Withdrawal: the public page stays, with this notice; the figures stay disclosed.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-drafted_at", "-pk"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Release.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            fields = kwargs.get("update_fields")
            withdrawing = (
                stored == self.Status.PUBLISHED
                and self.status == self.Status.WITHDRAWN
                and fields is not None
                and set(fields) <= self.WITHDRAWAL_FIELDS
            )
            if stored in (self.Status.PUBLISHED, self.Status.WITHDRAWN) and not withdrawing:
                raise ValueError("a published release is frozen")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != self.Status.DRAFT:
            raise ValueError("a published release is frozen")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        """Frozen: published, or published then withdrawn."""
        return self.status in (self.Status.PUBLISHED, self.Status.WITHDRAWN)

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def first_year(self) -> int:
        return self.period - self.years + 1

    @property
    def period_label(self) -> str:
        """``2025``, or ``2024–2025`` for a release over several years."""
        return str(self.period) if self.years <= 1 else f"{self.first_year}\u2013{self.period}"


class DashboardFigure(models.Model):
    """One dashboard result (a breakdown, the totals, the overlap) for one run and one filter.

    Facts change only at a linkage run, so results are exact until the next run; the run itself
    computes the unfiltered and per-year dashboards, other filters are stored when first asked.
    """

    key = models.CharField(max_length=64, primary_key=True)
    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="+")
    value = models.JSONField()

    def __str__(self) -> str:
        return self.key

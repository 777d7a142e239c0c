"""Finances (simplified accounts of a Belgian ASBL/VZW), the team, and activity reports.

Amounts are ``Decimal`` in euros with two decimals, never floats. Totals, results and changes are
computed (``balise.reports.finances``), never stored. A frozen report version never changes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("fr", "nl", "en")


def in_language(obj: Any, prefix: str, language: str | None = None) -> str:
    """``obj.<prefix>_<lang>`` in the given (or active) language, else French, Dutch, English."""
    lang = (language or get_language() or "fr")[:2]
    for code in (lang, *LANGUAGES):
        value = getattr(obj, f"{prefix}_{code}", "")
        if value:
            return str(value)
    return ""


def period_label(start_year: int, end_year: int) -> str:
    return str(start_year) if start_year == end_year else f"{start_year}–{end_year}"


class Direction(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expenses")


class Category(models.TextChoices):
    """The headings of the simplified accounts of an ASBL/VZW (Royal Decree of 29 April 2019)."""

    MEMBERSHIP_FEES = "membership_fees", _("Membership fees")
    GIFTS_LEGACIES = "gifts_legacies", _("Gifts and legacies")
    SUBSIDIES = "subsidies", _("Subsidies")
    OTHER_INCOME = "other_income", _("Other income")
    GOODS_SERVICES = "goods_services", _("Goods and services")
    REMUNERATION = "remuneration", _("Remuneration")
    MISC_GOODS_SERVICES = "misc_goods_services", _("Miscellaneous goods and services")
    OTHER_EXPENSES = "other_expenses", _("Other expenses")


INCOME_CATEGORIES = (
    Category.MEMBERSHIP_FEES,
    Category.GIFTS_LEGACIES,
    Category.SUBSIDIES,
    Category.OTHER_INCOME,
)
EXPENSE_CATEGORIES = (
    Category.GOODS_SERVICES,
    Category.REMUNERATION,
    Category.MISC_GOODS_SERVICES,
    Category.OTHER_EXPENSES,
)


def direction_of(category: str) -> Direction:
    return Direction.INCOME if category in INCOME_CATEGORIES else Direction.EXPENSE


class Subcategory(models.Model):
    """A sub-category the organisation defines under one heading (e.g. FWB subsidies)."""

    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("sub-category")
        verbose_name_plural = _("sub-categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self, "name")


class FinancialYear(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="open")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("financial year")

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Kind(models.TextChoices):
    ACTUAL = "actual", _("Accounts")
    BUDGET = "budget", _("Budget")


class FinanceLine(models.Model):
    """One amount of a year's accounts or budget, under a heading and optional sub-category."""

    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default="actual")
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    subcategory = models.ForeignKey(
        Subcategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("sub-category"),
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (€)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["category", "subcategory__code", "label", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="finance_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year} {self.category} {self.amount}"


class TeamMember(models.Model):
    class Group(models.TextChoices):
        TEAM = "team", _("Team")
        BOARD = "board", _("Board of directors")

    name = models.CharField(_("name"), max_length=120)
    group = models.CharField(
        _("team or board"), max_length=8, choices=Group.choices, default="team"
    )
    role_fr = models.CharField(_("role (French)"), max_length=120)
    role_nl = models.CharField(_("role (Dutch)"), max_length=120)
    role_en = models.CharField(_("role (English)"), max_length=120, blank=True)
    languages = models.CharField(
        _("languages spoken"), max_length=40, blank=True, help_text=_("Codes, e.g. fr, nl, en")
    )
    start_date = models.DateField(_("member since"))
    end_date = models.DateField(_("member until"), null=True, blank=True)
    # A photo is kept and shown only with the person's consent (recorded with its date).
    photo = models.BinaryField(blank=True, default=b"", editable=False)
    photo_type = models.CharField(max_length=16, blank=True)
    photo_consent_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["group", "order", "name"]
        verbose_name = _("team member")

    def __str__(self) -> str:
        return self.name

    @property
    def role(self) -> str:
        return in_language(self, "role")

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_type) and self.photo_consent_at is not None

    @property
    def language_codes(self) -> list[str]:
        return [c.strip() for c in self.languages.split(",") if c.strip()]


class ActivityReport(models.Model):
    """A report for a period of whole years; its narrative is edited, its figures are computed."""

    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    # The organisation's identity on the cover and in every page's footer.
    publisher_name = models.CharField(_("published by"), max_length=200, default="")
    publisher_details = models.TextField(
        _("publisher's details"),
        blank=True,
        help_text=_("Address, enterprise number, website: one per line."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Its entry in the publications catalogue (kind "activity report"), made with its first PDFs.
    publication = models.OneToOneField(
        "publications.Publication",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The figures as last previewed: regenerating shows what changed since.
    draft_figures = models.JSONField(default=dict, blank=True)
    draft_figures_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-end_year", "-start_year", "-pk"]
        verbose_name = _("activity report")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self, "title")

    @property
    def period_label(self) -> str:
        return period_label(self.start_year, self.end_year)

    @property
    def latest_version(self) -> ReportVersion | None:
        return self.versions.order_by("-number").first()


class ReportSection(models.Model):
    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    heading_fr = models.CharField(_("heading (French)"), max_length=200)
    heading_nl = models.CharField(_("heading (Dutch)"), max_length=200)
    heading_en = models.CharField(_("heading (English)"), max_length=200, blank=True)
    body_fr = models.TextField(_("text (French, Markdown)"), blank=True)
    body_nl = models.TextField(_("text (Dutch, Markdown)"), blank=True)
    body_en = models.TextField(_("text (English, Markdown)"), blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.heading

    @property
    def heading(self) -> str:
        return in_language(self, "heading")


class ReportVersion(models.Model):
    """A frozen report: content and figures as JSON, never changed once written."""

    report = models.ForeignKey(ActivityReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    frozen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a frozen report version never changes")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("a frozen report version is kept")


class ReportPdf(models.Model):
    """A frozen version's PDF in one language, drawn by a background job."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="pdfs")
    language = models.CharField(max_length=2)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="report_pdf_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.language})"

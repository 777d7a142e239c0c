"""Publications (one per work, a version per language) and the newsletter's subscribers and issues.

A publication's PDF files live outside the database (``BALISE_PUBLICATIONS_DIR``, under a generated
name); a row keeps the name, the size, the page count and the text extracted for search. The
newsletter keeps the proof of each subscriber's consent and a suppression list of digests that
outlives the subscriber rows (unsubscribed, bounced or erased addresses).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from balise.accounts.models import User

LANGUAGES = (("fr", _("French")), ("nl", _("Dutch")), ("en", _("English")))
LANGUAGE_CODES = tuple(code for code, _label in LANGUAGES)
# PostgreSQL text search configuration of each language (docs/publications.md).
SEARCH_CONFIGS = {"fr": "french", "nl": "dutch", "en": "english"}

# Belgian legal deposit (Royal Library, KBR): D/year/publisher number/sequence number.
LEGAL_DEPOSIT_RE = re.compile(r"^D/(?P<year>\d{4})/(?P<publisher>\d{4,5})/(?P<seq>\d{1,4})$")


def validate_legal_deposit(value: str) -> None:
    match = LEGAL_DEPOSIT_RE.fullmatch(value)
    if match is None:
        raise ValidationError(
            _("A legal deposit number reads D/YYYY/NNNN/N, for example D/2026/1234/5."),
            code="legal_deposit",
        )
    year = int(match["year"])
    if not 1966 <= year <= timezone.localdate().year + 1:
        raise ValidationError(
            _("The year of the legal deposit number (%(year)s) is not plausible."),
            code="legal_deposit_year",
            params={"year": year},
        )


class Kind(models.TextChoices):
    ANALYSIS = "analysis", _("Analysis")
    STUDY = "study", _("Study")
    REPORT = "report", _("Report")
    TOOL = "tool", _("Tool")
    ACTIVITY_REPORT = "activity_report", _("Activity report")
    OTHER = "other", _("Other")


class PublicationQuerySet(models.QuerySet["Publication"]):
    def published(self) -> PublicationQuerySet:
        return self.filter(status=Publication.Status.PUBLISHED)

    def visible_to(self, user: User | AnonymousUser) -> PublicationQuerySet:
        """Editors see drafts too; everyone else sees published publications only."""
        if user.is_authenticated and getattr(user, "is_editor", False) and user.is_active:
            return self.all()
        return self.published()


PublicationManager = models.Manager.from_queryset(PublicationQuerySet)


class Publication(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    authors = models.CharField(_("authors"), max_length=500, blank=True)
    published_on = models.DateField(_("publication date"))
    legal_deposit = models.CharField(
        _("legal deposit number"),
        max_length=20,
        blank=True,
        validators=[validate_legal_deposit],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PublicationManager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"publication #{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def version_in(self, language: str) -> PublicationVersion | None:
        """The version in ``language``, else French, Dutch, English: the first that exists."""
        versions = {v.language: v for v in self.versions.all()}
        for code in (language, *LANGUAGE_CODES):
            if code in versions:
                return versions[code]
        return None


class Topic(models.Model):
    """A topic of a publication: a code of the data dictionary's forms or sectors."""

    class Vocabulary(models.TextChoices):
        FORMS = "forms", _("Forms of exploitation")
        SECTORS = "sectors", _("Sectors")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="topics")
    vocabulary = models.CharField(max_length=16, choices=Vocabulary.choices)
    code = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "vocabulary", "code"], name="publication_topic_once"
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return f"{self.vocabulary}:{self.code}"


class PublicationVersion(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"), blank=True)
    # The PDF and its cover under BALISE_PUBLICATIONS_DIR, by generated names (never the upload's).
    pdf_name = models.CharField(max_length=64, blank=True)
    cover_name = models.CharField(max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(default=0)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(default=0)
    pdf_text = models.TextField(blank=True, editable=False)
    # Accent-folded, lower-case words of title, abstract and PDF text (the SQLite search).
    search_words = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["publication", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "language"], name="publication_version_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"publication #{self.publication_id} ({self.language})"

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf_name)


# --- Newsletter ---


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")

    email = models.EmailField(_("email"), unique=True)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    # Changes at each subscription request: older confirmation links stop working.
    confirm_nonce = models.CharField(max_length=32)
    # The per-recipient unsubscribe token of List-Unsubscribe (RFC 8058); never expires.
    unsubscribe_token = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return f"subscriber #{self.pk}"


class Consent(models.Model):
    """Proof of consent: what happened, when, through which form and which text version."""

    class Event(models.TextChoices):
        REQUESTED = "requested", _("Subscription requested")
        CONFIRMED = "confirmed", _("Subscription confirmed")
        WITHDRAWN = "withdrawn", _("Unsubscribed")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    event = models.CharField(max_length=16, choices=Event.choices)
    at = models.DateTimeField(default=timezone.now)
    form = models.CharField(max_length=64)
    text_version = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=2, choices=LANGUAGES)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"consent #{self.pk} {self.event}"


class Suppression(models.Model):
    """An address the newsletter must not mail again unless its owner confirms anew.

    Held as a SHA-256 digest of the normalised address so that erasing a person (on request)
    still leaves the means to honour their opt-out, without their address.
    """

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Hard bounce")
        ERASED = "erased", _("Erased on request")

    digest = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"suppression #{self.pk} {self.reason}"


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    def __str__(self) -> str:
        return f"issue #{self.pk}"

    @property
    def batch(self) -> str:
        return f"newsletter-{self.pk}"

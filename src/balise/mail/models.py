"""The mail outbox: every message Balise sends is first a row here, written in the same
transaction as the change that calls for it (a registration, a newsletter issue), then delivered
by the jobs runner.

A row is claimed (``queued`` → ``sending``) in its own committed update before the SMTP
conversation and marked ``sent`` right after it, so a crash can leave a row ``sending`` but never
send it twice: such rows become ``interrupted`` and are only sent again by a person's decision.
Failures of the SMTP server are retried with backoff, then the row is ``failed``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundMail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Not sent (address suppressed)")
        INTERRUPTED = "interrupted", _("Interrupted")

    purpose = models.CharField(_("purpose"), max_length=64, db_index=True)
    # Idempotency: queueing a mail with a key already used returns the first row.
    key = models.CharField(_("key"), max_length=200, unique=True, null=True, blank=True)
    batch = models.CharField(_("batch"), max_length=64, blank=True, db_index=True)
    recipient = models.EmailField(_("recipient"), max_length=254, db_index=True)
    from_email = models.CharField(_("from"), max_length=254)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    text = models.TextField(_("text part"))
    html = models.TextField(_("HTML part"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]

    def __str__(self) -> str:
        return f"mail #{self.pk} {self.purpose} {self.status}"


class OutboundAttachment(models.Model):
    mail = models.ForeignKey(OutboundMail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("type"), max_length=100)
    content = models.BinaryField(_("content"))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class Suppression(models.Model):
    """An address Balise never writes to again (hard bounce, complaint, or by hand)."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Hard bounce")
        COMPLAINT = "complaint", _("Complaint")
        MANUAL = "manual", _("Added by hand")

    email = models.EmailField(_("email"), max_length=254, unique=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    details = models.CharField(_("details"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self) -> str:
        return f"{self.email} ({self.reason})"

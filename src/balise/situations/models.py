"""The situation record: one detected situation of a child, held by the recording organisation.

Multi-valued facts (forms, signs, ...) are JSON lists of dictionary codes, validated by
``validation.validate_situation_data`` (portable across SQLite and PostgreSQL). The identity is
only ever an encoding produced on the device, stored encrypted like the free-text note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.accounts.models import Organisation, OrgRole, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class SituationQuerySet(models.QuerySet["Situation"]):
    def visible_to(self, user: User | AnonymousUser) -> SituationQuerySet:
        """Members see their own organisation's situations; everyone else sees none.

        Platform roles (analysts, editors, administrators) get nothing here on purpose: analysts
        work on pseudonymised data produced by the observatory, never on these rows.
        """
        organisation_id = getattr(user, "organisation_id", None)
        if (
            not user.is_authenticated
            or not user.is_active
            or organisation_id is None
            or getattr(user, "org_role", "") not in (OrgRole.RECORDER, OrgRole.STEWARD)
        ):
            return self.none()
        return self.filter(organisation_id=organisation_id)


SituationManager = models.Manager.from_queryset(SituationQuerySet)


class Situation(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="situations",
    )
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("internal reference"), max_length=64)
    detection_month = models.DateField(_("detection month"))
    arrondissement = models.CharField(_("arrondissement"), max_length=5)
    age_years = models.PositiveSmallIntegerField(_("age at detection"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=16)
    citizenship_group = models.CharField(_("citizenship"), max_length=16)
    unaccompanied = models.BooleanField(_("unaccompanied minor"), default=False)
    forms = models.JSONField(_("forms of exploitation"), default=list)
    recruitment_channels = models.JSONField(_("recruitment channels"), default=list, blank=True)
    places = models.JSONField(_("places"), default=list, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    signs = models.JSONField(_("signs"), default=list, blank=True)
    actions = models.JSONField(_("actions and referrals"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16)
    dictionary_version = models.CharField(_("dictionary version"), max_length=8)
    # Produced on the device (docs/encoding.md), stored encrypted (encodings.py): AES-GCM
    # ciphertext, a salted MAC for equality checks, and in clear the spec version and the network
    # key identifier (linkage groups by them). Null ciphertext = no identity.
    identity_ciphertext = models.BinaryField(
        _("identity encoding"), null=True, blank=True, editable=False
    )
    identity_digest = models.BinaryField(null=True, blank=True, editable=False)
    identity_version = models.CharField(_("encoding version"), max_length=8, blank=True, default="")
    identity_key_id = models.CharField(_("key identifier"), max_length=32, blank=True, default="")
    # AES-GCM: format byte, 12-byte nonce, ciphertext and tag (see notes.py); null = no note.
    note_ciphertext = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = SituationManager()

    class Meta:
        ordering = ["-detection_month", "-id"]
        verbose_name = _("situation")
        verbose_name_plural = _("situations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="situation_reference_unique_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(age_years__isnull=True) | models.Q(age_years__lte=17),
                name="situation_age_is_a_minor",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        identity_ciphertext__isnull=True,
                        identity_digest__isnull=True,
                        identity_version="",
                        identity_key_id="",
                    )
                    | (
                        models.Q(identity_ciphertext__isnull=False, identity_digest__isnull=False)
                        & ~models.Q(identity_version="")
                        & ~models.Q(identity_key_id="")
                    )
                ),
                name="situation_identity_all_or_nothing",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "detection_month"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def has_note(self) -> bool:
        return self.note_ciphertext is not None

    @property
    def has_identity(self) -> bool:
        return self.identity_ciphertext is not None

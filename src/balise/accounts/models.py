"""Organisations, users and their roles.

A user belongs to at most one organisation, with an organisation role (recorder or steward), and
may hold one platform role (analyst, editor, administrator) given by an administrator.
"""

from __future__ import annotations

from binascii import unhexlify
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from balise.accounts.seeds import SeedIntegrityError, is_sealed, open_seed, seal_seed


class Sector(models.TextChoices):
    """Sectors of recording organisations; codes match the data dictionary (taxonomy)."""

    POLICE = "police", _("Police")
    JUSTICE = "justice", _("Prosecutor's office / justice")
    YOUTH_AID = "youth_aid", _("Youth aid (SAJ/SPJ)")
    ASSOCIATION = "association", _("Association")
    HEALTH = "health", _("Health")
    SCHOOL = "school", _("School / PMS centre")
    RECEPTION = "reception", _("Reception of migrants")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    """Belgian regions by NIS code."""

    BRUSSELS = "04000", _("Brussels-Capital Region")
    FLANDERS = "02000", _("Flemish Region")
    WALLONIA = "03000", _("Walloon Region")


class OrgRole(models.TextChoices):
    RECORDER = "recorder", _("Recorder")
    STEWARD = "steward", _("Steward")


class PlatformRole(models.TextChoices):
    ANALYST = "analyst", _("Analyst")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Administrator")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    region = models.CharField(_("region"), max_length=5, choices=Region.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("platform_role", PlatformRole.ADMIN)
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    org_role = models.CharField(
        _("organisation role"), max_length=16, choices=OrgRole.choices, blank=True
    )
    platform_role = models.CharField(
        _("platform role"), max_length=16, choices=PlatformRole.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped by "log out everywhere": it is part of the session hash, so every session dies.
    session_epoch = models.PositiveIntegerField(default=0)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=True, org_role="")
                    | models.Q(organisation__isnull=False) & ~models.Q(org_role="")
                ),
                name="org_role_iff_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_session_auth_hash(self) -> str:
        key_salt = "balise.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.session_epoch}", algorithm="sha256"
        ).hexdigest()

    @property
    def is_steward(self) -> bool:
        return self.organisation_id is not None and self.org_role == OrgRole.STEWARD

    @property
    def is_recorder(self) -> bool:
        return self.organisation_id is not None and self.org_role in (
            OrgRole.RECORDER,
            OrgRole.STEWARD,
        )

    @property
    def is_analyst(self) -> bool:
        return self.platform_role == PlatformRole.ANALYST

    @property
    def is_editor(self) -> bool:
        return self.platform_role == PlatformRole.EDITOR

    @property
    def is_administrator(self) -> bool:
        return self.platform_role == PlatformRole.ADMIN


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        """Neither accepted nor revoked, and not yet expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A steward's invitation to join their organisation; the link's token is stored hashed."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("organisation role"), max_length=16, choices=OrgRole.choices)
    # SHA-256 of the secret in the link: a copy of the database does not let anyone accept it.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # A steward's invitation is approved when made. An administrator's invitation of a steward
    # waits for the organisation's steward or a second administrator: until then no link exists.
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"invitation #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def awaits_approval(self) -> bool:
        return self.approved_at is None


# django-otp ships without type information: its models are ``Any`` to mypy.
class Authenticator(TOTPDevice):  # type: ignore[misc]
    """django-otp's TOTP device with its seed sealed at rest (``balise.accounts.seeds``).

    A proxy: same table, same verification (time steps, tolerance, replay refusal, throttling);
    only the seed goes in and out through AES-GCM. Balise creates and verifies authenticators
    through this model only; the session's device id names it, so django-otp loads it too.
    """

    # Types of the inherited (untyped) fields and manager, for mypy only.
    key: str
    user_id: int
    objects: ClassVar[models.Manager[Authenticator]]

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @property
    def bin_key(self) -> bytes:
        return open_seed(self.key, user_id=self.user_id)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not is_sealed(self.key):  # django-otp's default: a fresh random seed, in hex
            self.key = seal_seed(unhexlify(self.key), user_id=self.user_id)
        super().save(*args, **kwargs)

    def verify_token(self, token: Any) -> bool:
        try:
            self.bin_key  # noqa: B018 - opens the seed; a seed that does not open fails the code
        except SeedIntegrityError:
            self.throttle_increment(commit=True)
            return False
        return bool(super().verify_token(token))

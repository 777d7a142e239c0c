"""The network secret as the server may hold it: wrapped, never in clear.

The key custodian (a steward the administrators appoint) creates the network secret in their
browser and publishes only its key identifier (``NetworkKey``). For each organisation the
browser encrypts the secret under a random unlock code (``WrappedSecret``); the code goes to the
organisation's people out of band. See docs/privacy.md, "Handing out the network secret".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.accounts.models import Organisation


class KeyCustodian(models.Model):
    """A steward allowed to create the network secret and to wrap it for any organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="key_custodian"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    appointed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("key custodian")

    def __str__(self) -> str:
        return f"key custodian {self.user_id}"


class NetworkKey(models.Model):
    """A version of the network secret, known to the server by its key identifier only.

    The most recent one is the network's current secret.
    """

    key_id = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("network key")

    def __str__(self) -> str:
        return self.key_id


class WrappedSecret(models.Model):
    """The network secret encrypted in a browser under one organisation's unlock code.

    ``wrapped`` is the JSON document of docs/privacy.md (PBKDF2-SHA256 parameters, AES-GCM
    nonce and ciphertext, base64). The latest row of an organisation is its valid code; older
    rows are kept for the record but no longer offered.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="wrapped_secrets"
    )
    network_key = models.ForeignKey(NetworkKey, on_delete=models.CASCADE, related_name="wraps")
    wrapped = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("wrapped network secret")

    def __str__(self) -> str:
        return f"wrapped secret of organisation {self.organisation_id}"

"""Authenticators: TOTP seeds sealed at rest (balise.accounts.seeds); existing seeds are sealed.

The seeds were stored in clear (hex) by django-otp; this seals every one of them under
BALISE_MFA_KEY, so people keep their authenticator app. Reversing opens them again.
"""

from binascii import hexlify, unhexlify

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from balise.accounts.seeds import is_sealed, open_seed, seal_seed


def seal_existing(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.only("pk", "user_id", "key"):
        if not is_sealed(device.key):
            device.key = seal_seed(unhexlify(device.key), user_id=device.user_id)
            device.save(update_fields=["key"])


def open_existing(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    for device in TOTPDevice.objects.only("pk", "user_id", "key"):
        if is_sealed(device.key):
            device.key = hexlify(open_seed(device.key, user_id=device.user_id)).decode()
            device.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_invitation"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="Authenticator",
            fields=[],
            options={
                "verbose_name": "authenticator app",
                "verbose_name_plural": "authenticator apps",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.RunPython(seal_existing, open_existing),
    ]

"""Identity encodings encrypted at rest, step 2 of 3: encrypt every stored encoding.

Batches of 500 rows, each in its own transaction, so a large table is not held in one; a run that
stops half-way picks up where it stopped (only rows with a plain encoding and no ciphertext are
taken). The reverse decrypts them back into the plain column (needs the same
``BALISE_ENCODINGS_KEY``).
"""

from typing import Any

from django.db import migrations, transaction

BATCH = 500


def encrypt(apps: Any, schema_editor: Any) -> None:
    from balise.situations.encodings import seal

    situation = apps.get_model("situations", "Situation")
    pending = situation.objects.using(schema_editor.connection.alias).filter(
        identity_ciphertext__isnull=True
    ).exclude(identity_encoding="")
    while True:
        with transaction.atomic(using=schema_editor.connection.alias):
            rows = list(
                pending.order_by("pk").values_list(
                    "pk", "organisation_id", "identity_encoding", "identity_version", "identity_key_id"
                )[:BATCH]
            )
            if not rows:
                return
            for pk, organisation_id, encoding, version, key_id in rows:
                ciphertext, digest = seal(
                    encoding, organisation_id=organisation_id, version=version, key_id=key_id
                )
                situation.objects.using(schema_editor.connection.alias).filter(pk=pk).update(
                    identity_ciphertext=ciphertext, identity_digest=digest, identity_encoding=""
                )


def decrypt(apps: Any, schema_editor: Any) -> None:
    import base64

    from balise.situations.encodings import open_sealed

    situation = apps.get_model("situations", "Situation")
    pending = situation.objects.using(schema_editor.connection.alias).filter(
        identity_ciphertext__isnull=False
    )
    while True:
        with transaction.atomic(using=schema_editor.connection.alias):
            rows = list(
                pending.order_by("pk").values_list(
                    "pk", "organisation_id", "identity_ciphertext", "identity_version", "identity_key_id"
                )[:BATCH]
            )
            if not rows:
                return
            for pk, organisation_id, blob, version, key_id in rows:
                raw = open_sealed(
                    bytes(blob), organisation_id=organisation_id, version=version, key_id=key_id
                )
                situation.objects.using(schema_editor.connection.alias).filter(pk=pk).update(
                    identity_encoding=base64.b64encode(raw).decode("ascii"),
                    identity_ciphertext=None,
                    identity_digest=None,
                )


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch (above)

    dependencies = [("situations", "0002_identity_ciphertext")]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=False)]

"""Identity encodings encrypted at rest, step 3 of 3: drop the plain column; all or nothing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("situations", "0003_encrypt_identity_encodings")]

    operations = [
        migrations.RemoveField(model_name="situation", name="identity_encoding"),
        migrations.AddConstraint(
            model_name="situation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("identity_ciphertext__isnull", True),
                        ("identity_digest__isnull", True),
                        ("identity_key_id", ""),
                        ("identity_version", ""),
                    ),
                    models.Q(
                        ("identity_ciphertext__isnull", False),
                        ("identity_digest__isnull", False),
                        models.Q(("identity_version", ""), _negated=True),
                        models.Q(("identity_key_id", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="situation_identity_all_or_nothing",
            ),
        ),
    ]

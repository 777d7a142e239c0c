"""Identity encodings encrypted at rest, step 1 of 3: the new columns (docs/privacy.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("situations", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="situation", name="situation_identity_all_or_nothing"),
        migrations.AddField(
            model_name="situation",
            name="identity_ciphertext",
            field=models.BinaryField(
                blank=True, editable=False, null=True, verbose_name="identity encoding"
            ),
        ),
        migrations.AddField(
            model_name="situation",
            name="identity_digest",
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
    ]

"""Facts and clusters follow their situation: a purged situation leaves the statistics at once.

Rows whose situation is already gone (deleted before this migration) are removed first, so the
foreign key can be created.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def drop_orphans(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    situations = apps.get_model("situations", "Situation").objects.values("pk")
    for name in ("StatFact", "ChildCluster"):
        model = apps.get_model("observatory", name)
        model.objects.exclude(situation_id__in=situations).delete()


def _renamed_in_state_only(model: str) -> list[migrations.operations.base.Operation]:
    """``situation_id`` becomes the field ``situation`` on the same column: no table rewrite."""
    return [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(model, "situation_id", "situation"),
                migrations.AlterField(
                    model_name=model,
                    name="situation",
                    field=models.BigIntegerField(
                        primary_key=True, serialize=False, db_column="situation_id"
                    ),
                ),
            ]
        )
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("observatory", "0003_dashboard_figure"),
        ("situations", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_orphans, migrations.RunPython.noop, elidable=True),
        *_renamed_in_state_only("statfact"),
        migrations.AlterField(
            model_name="statfact",
            name="situation",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="+",
                serialize=False,
                to="situations.situation",
            ),
        ),
        *_renamed_in_state_only("childcluster"),
        migrations.AlterField(
            model_name="childcluster",
            name="situation",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="+",
                serialize=False,
                to="situations.situation",
            ),
        ),
    ]

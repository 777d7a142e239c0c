from __future__ import annotations

from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "balise.backup"
    label = "backup"
    verbose_name = "Backup and restore"

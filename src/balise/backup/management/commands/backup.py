"""`balise backup create --output DIR` and `balise backup restore DIR --yes` (docs/deployment.md).

Exit status: 0 done (restore: verified), 1 refused or failed (the message says why).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balise.backup.services import KEYS, BackupError, backup_create, backup_restore


class Command(BaseCommand):
    help = "Back up the database and uploaded files with a manifest, or restore such a backup."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,restore}")
        create = sub.add_parser(
            "create",
            help="a consistent copy of the database and the uploaded files (never the keys)",
        )
        create.add_argument("--output", required=True, type=Path, metavar="DIR", help="new folder")
        restore = sub.add_parser(
            "restore",
            help="replace the database and uploaded files with a backup's, then verify them",
            description="Stop the web app and the worker first. The keys in the environment "
            "must be those of the server that was backed up.",
        )
        restore.add_argument("source", type=Path, metavar="DIR", help="a folder made by create")
        restore.add_argument(
            "--yes", action="store_true", help="confirm: the current data is replaced"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["output"])
            else:
                self._restore(options["source"], confirmed=options["yes"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from None

    def _create(self, output: Path) -> None:
        manifest = backup_create(output=output)
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Backup written to {output}: {manifest['database']['vendor']} database, "
            f"{rows} rows in {len(manifest['rows'])} tables, {len(manifest['files'])} files, "
            f"audit head {manifest['audit_head']}."
        )
        self.stdout.write(
            "Not in the backup: the keys (" + ", ".join(KEYS) + "). Keep them apart; "
            "a restore needs them."
        )

    def _restore(self, source: Path, *, confirmed: bool) -> None:
        if not confirmed:
            raise CommandError(
                "restore replaces the database and the uploaded files: stop the web app and "
                "the worker, then run it again with --yes",
                returncode=1,
            )
        report = backup_restore(source=source)
        self.stdout.write(
            f"Restored from {source}: {sum(report.rows.values())} rows in {len(report.rows)} "
            f"tables as in the manifest, {report.files} files; audit chain OK "
            f"({report.audit_checked} events, head {report.audit_head}); keys that open the "
            f"data: {', '.join(report.keys_checked) or 'nothing sealed to check'}."
        )

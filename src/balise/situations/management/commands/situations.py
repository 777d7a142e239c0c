"""`balise situations import`: a steward's bulk import from the command line (the same checks and
all-or-nothing write as the import pages, with a progress bar); `balise situations purge`: delete
the situations older than the retention period (docs/retention.md).

Exit status: 0 done, 1 refused (unknown organisation or user, not a steward, unreadable file),
2 the file has errors (every one printed on stderr as a table; nothing written).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balise.accounts.models import Organisation, User
from balise.cli.progress import ProgressBar
from balise.jobs.services import JobError, ReportProgress
from balise.situations.importing import ImportRefused, check_size, estimate_rows, run_import
from balise.situations.services import situations_purge

# Below this many lines a file imports in a blink: no bar.
PROGRESS_MIN_ROWS: Final = 1_000
EXIT_REFUSED: Final = 1
EXIT_BAD_FILE: Final = 2
LANGUAGES: Final = ("en", "fr", "nl")


def _translated_stages(bar: ProgressBar) -> ReportProgress:
    """The bar, with the import's stages (message ids) in the command's language."""

    def report(done: int, total: int | None = None, stage: str | None = None) -> None:
        bar(done, total, _(stage) if stage else stage)

    return report


def error_table(errors: list[dict[str, Any]]) -> str:
    """The problems as an aligned text table: row, column, value, reason."""
    header = [_("Row"), _("Column"), _("Value"), _("Problem")]
    lines = [
        [str(e.get("row") or ""), str(e.get("column", "")), str(e.get("value", "")), e["reason"]]
        for e in errors
    ]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(3)]

    def render(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths, strict=True)) + (
            "  " + cells[3]
        )

    rule = "  ".join("-" * w for w in widths) + "  " + "-" * len(header[3])
    return "\n".join([render(header), rule, *(render(cells) for cells in lines)])


class Command(BaseCommand):
    help = "Import situations from a CSV/XLSX file, or purge those past the retention period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import",
            help="import a file as a steward of an organisation (all or nothing)",
            description="Check a CSV or XLSX file like the import page does, then write every "
            "row in one transaction; on any error nothing is written and every error is "
            "printed on stderr (exit status 2).",
        )
        imp.add_argument(
            "--organisation", required=True, metavar="ORG_ID_OR_NAME", help="id or exact name"
        )
        imp.add_argument(
            "--as",
            dest="actor_email",
            required=True,
            metavar="EMAIL",
            help="the steward of that organisation the import is recorded for",
        )
        imp.add_argument("--dry-run", action="store_true", help="only check; write nothing")
        imp.add_argument(
            "--language", choices=LANGUAGES, default="en", help="language of the messages"
        )
        imp.add_argument("--no-progress", action="store_true", help="never show a progress bar")
        imp.add_argument("file", type=Path, help="CSV (UTF-8 or Windows-1252) or .xlsx")
        purge = sub.add_parser(
            "purge",
            help="delete situations older than BALISE_RETENTION_MONTHS",
            description="Delete, in one audited transaction, the situations whose detection "
            "month is older than the retention period (BALISE_RETENTION_MONTHS), with their "
            "encrypted notes.",
        )
        purge.add_argument("--dry-run", action="store_true", help="only count; delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            with translation.override(options["language"]):
                self._import(options)
        else:
            self._purge(dry_run=options["dry_run"])

    # --- import ------------------------------------------------------------------------------

    def _organisation(self, given: str) -> Organisation:
        text = given.strip()
        if text.isdigit():
            found = list(Organisation.objects.filter(pk=int(text)))
        else:
            found = list(Organisation.objects.filter(name__iexact=text)[:2])
        if len(found) != 1:
            message = (
                _("No organisation “%(organisation)s”.")
                if not found
                else _("Several organisations are named “%(organisation)s”; give its id.")
            )
            raise CommandError(message % {"organisation": given}, returncode=EXIT_REFUSED)
        return found[0]

    def _import(self, options: dict[str, Any]) -> None:
        organisation = self._organisation(options["organisation"])
        actor = User.objects.filter(email__iexact=options["actor_email"].strip()).first()
        if (
            actor is None
            or not actor.is_active
            or not actor.is_steward
            or actor.organisation_id != organisation.pk
        ):
            raise CommandError(
                _("Only a steward of the organisation can import situations."),
                returncode=EXIT_REFUSED,
            )
        path: Path = options["file"]
        try:
            check_size(path.stat().st_size)
            content = path.read_bytes()
        except ImportRefused as refused:
            self._refuse([i.as_dict() for i in refused.issues], len(refused.issues))
        except OSError as exc:
            raise CommandError(
                _("The file %(path)s cannot be read: %(error)s")
                % {"path": path, "error": exc.strerror or exc},
                returncode=EXIT_REFUSED,
            ) from None
        bar = ProgressBar(lambda text: self.stderr.write(text, ending=""))
        show = not options["no_progress"] and estimate_rows(content) >= PROGRESS_MIN_ROWS
        try:
            result = run_import(
                content,
                actor=actor,
                organisation=organisation,
                apply=not options["dry_run"],
                progress=_translated_stages(bar) if show else None,
                channel="cli",
            )
        except JobError as exc:
            raise CommandError(_(str(exc)), returncode=EXIT_REFUSED) from None
        finally:
            bar.close()
        if not result["ok"]:
            self._refuse(result["errors"], result["error_count"])
        if options["dry_run"]:
            self.stdout.write(
                _(
                    "Checked %(rows)s rows: %(create)s to create, %(update)s to update, "
                    "%(unchanged)s unchanged. Nothing was written (dry run)."
                )
                % result
            )
        else:
            self.stdout.write(
                _(
                    "Imported %(rows)s rows: %(created)s created, %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % result
            )

    def _refuse(self, errors: list[dict[str, Any]], count: int) -> None:
        self.stderr.write(error_table(errors))
        if count > len(errors):
            self.stderr.write(
                _("(%(shown)s of %(count)s problems shown)")
                % {"shown": len(errors), "count": count}
            )
        raise CommandError(
            ngettext(
                "%(count)s problem; nothing was written.",
                "%(count)s problems; nothing was written.",
                count,
            )
            % {"count": count},
            returncode=EXIT_BAD_FILE,
        )

    # --- purge -------------------------------------------------------------------------------

    def _purge(self, *, dry_run: bool) -> None:
        months = settings.BALISE_RETENTION_MONTHS
        if months < 1:
            raise CommandError(
                f"BALISE_RETENTION_MONTHS={months}: the retention period must be at least "
                "one month",
                returncode=EXIT_REFUSED,
            )
        result = situations_purge(months=months, dry_run=dry_run)
        verb = "to delete" if dry_run else "deleted"
        self.stdout.write(
            f"Retention {result.months} months (situations detected before "
            f"{result.cutoff:%Y-%m}): {len(result.situation_ids)} {verb} "
            f"({result.notes} with a note), in {len(result.by_organisation)} organisation(s)."
        )
        names = dict(
            Organisation.objects.filter(pk__in=result.by_organisation).values_list("pk", "name")
        )
        for organisation_id, count in sorted(result.by_organisation.items()):
            self.stdout.write(f"  {names.get(organisation_id, '?')} (#{organisation_id}): {count}")
        if dry_run:
            self.stdout.write("Dry run: nothing was deleted.")
        elif result.events:
            self.stdout.write(f"Audit event #{result.events[0].seq} (situation.purge).")

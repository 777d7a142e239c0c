"""`balise trainings tick`: what the clock brings (expired offers passed on, reminders,
evaluation mails), to run every few minutes from cron or a timer (the jobs runner also calls it,
``BALISE_JOBS_PERIODIC``); `balise trainings purge`: erase participants' data of sessions that
ended before the retention period (``BALISE_TRAINING_RETENTION_MONTHS``, audited).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from balise.training.services import training_tick, trainings_purge


class Command(BaseCommand):
    help = "Trainings: run the clock's work (tick), or erase data past the retention period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "tick",
            help="pass expired offers on, send reminders and evaluation links",
            description="Safe to run as often as wanted: every mail is sent once.",
        )
        purge = sub.add_parser(
            "purge",
            help="erase participants' data older than BALISE_TRAINING_RETENTION_MONTHS",
            description="Blank names, contact details, answers and comments of registrations "
            "whose session ended before the retention period, in one audited transaction; "
            "anonymous counts stay for the activity report.",
        )
        purge.add_argument("--dry-run", action="store_true", help="only count; erase nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "tick":
            report = training_tick()
            self.stdout.write(
                f"{report.offers_expired} expired offers passed on, {report.reminders} "
                f"reminders, {report.evaluations} evaluation links sent."
            )
            return
        months = settings.BALISE_TRAINING_RETENTION_MONTHS
        if months < 1:
            raise CommandError(
                f"BALISE_TRAINING_RETENTION_MONTHS={months}: the retention period must be at "
                "least one month",
                returncode=1,
            )
        result = trainings_purge(months=months, dry_run=options["dry_run"])
        verb = "to erase" if result.dry_run else "erased"
        self.stdout.write(
            f"{len(result.registrations)} registrations {verb} (sessions ended before "
            f"{result.cutoff.isoformat()}, retention {result.months} months)."
        )

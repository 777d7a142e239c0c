"""`balise mail send|status|purge|suppress`: the outbox from a terminal (operators only; people
see it in the app's outbox page)."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from balise.mail.models import Suppression
from balise.mail.selectors import status_counts
from balise.mail.services import deliver_due, mail_purge, mail_suppress


class Command(BaseCommand):
    help = "Deliver, inspect and clean the mail outbox."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("send", help="deliver every message that is due now")
        sub.add_parser("status", help="messages by status")
        purge = sub.add_parser("purge", help="drop delivered messages older than --days")
        purge.add_argument("--days", type=int, default=90)
        suppress = sub.add_parser("suppress", help="never write to an address again")
        suppress.add_argument("email")
        suppress.add_argument(
            "--reason", choices=Suppression.Reason.values, default=Suppression.Reason.MANUAL
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "send":
            report = deliver_due()
            self.stdout.write(", ".join(f"{k} {v}" for k, v in report.as_dict().items()))
        elif action == "status":
            for status, count in status_counts().items():
                self.stdout.write(f"{status}\t{count}")
        elif action == "purge":
            if options["days"] < 1:
                raise CommandError("--days must be at least 1")
            deleted = mail_purge(older_than=timedelta(days=options["days"]))
            self.stdout.write(f"{deleted} message(s) purged")
        elif action == "suppress":
            try:
                validate_email(options["email"])
            except ValidationError:
                raise CommandError(f"{options['email']!r} is not an email address") from None
            entry = mail_suppress(email=options["email"], reason=options["reason"])
            self.stdout.write(f"suppressed: {entry.email} ({entry.reason})")
        else:  # pragma: no cover - argparse enforces the choices
            raise CommandError(f"unknown action {action}")

"""`balise newsletter bounces --mbox FILE | --maildir DIR`: suppress the addresses of the hard
bounces (RFC 3464 delivery status notifications) found in a mailbox; `balise newsletter import
FILE --consent-version V`: add confirmed subscribers from another list (CSV ``email,language``),
never an address that left or bounces.

Exit status: 0 done, 1 refused (unreadable mailbox or file).
"""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from balise.publications.dsn import hard_bounces, messages_of
from balise.publications.newsletter import bounce, subscribers_import


class Command(BaseCommand):
    help = "Newsletter: suppress hard-bounced addresses from a DSN mailbox; import subscribers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        bounces = sub.add_parser(
            "bounces", help="suppress the addresses of the hard bounces in a mailbox"
        )
        source = bounces.add_mutually_exclusive_group(required=True)
        source.add_argument("--mbox", type=Path, metavar="FILE", help="an mbox file of DSNs")
        source.add_argument("--maildir", type=Path, metavar="DIR", help="a Maildir of DSNs")
        imp = sub.add_parser("import", help="add confirmed subscribers from a CSV file")
        imp.add_argument("file", type=Path, help="CSV with the columns email,language")
        imp.add_argument(
            "--consent-version",
            required=True,
            metavar="V",
            help="the version of the consent text the people agreed to on the other list",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            if options["action"] == "bounces":
                self._bounces(options["mbox"], options["maildir"])
            else:
                self._import(options["file"], options["consent_version"])

    def _bounces(self, mbox: Path | None, maildir: Path | None) -> None:
        path = mbox or maildir
        if path is None or not path.exists():
            raise CommandError(f"{path} does not exist; nothing was changed.")
        try:
            found = hard_bounces(messages_of(mbox=mbox, maildir=maildir))
        except OSError as exc:
            raise CommandError(f"{path} cannot be read: {exc}") from exc
        subscribers = sum(bounce(email=b.recipient, status=b.status) for b in found)
        self.stdout.write(
            f"{len(found)} hard-bounced addresses suppressed ({subscribers} of them subscribers)."
        )

    def _import(self, path: Path, version: str) -> None:
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                rows = [
                    (str(row.get("email", "")), str(row.get("language", "")).strip().lower())
                    for row in csv.DictReader(handle)
                ]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"{path} cannot be read: {exc}") from exc
        try:
            result = subscribers_import(
                actor=None, rows=rows, form=f"import:{path.name}"[:64], text_version=version
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing was imported.") from exc
        self.stdout.write(
            f"{result.added} subscribers added, {result.already} already there, "
            f"{len(result.suppressed)} refused because they unsubscribed, were erased or bounce."
        )
        for address in result.suppressed:
            self.stdout.write(f"  refused: {address}")

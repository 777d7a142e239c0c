"""`balise audit verify` checks the whole hash chain; `balise audit head` prints its anchor.

verify only reads: it can run with read-only database credentials or on a replica, and it does
not append an event of its own.
"""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balise.audit.services import ChainHead, chain_head, verify_chain


def _head(text: str) -> ChainHead:
    try:
        return ChainHead.parse(text)
    except ValueError as exc:
        raise ArgumentTypeError(str(exc)) from exc


class Command(BaseCommand):
    help = "Verify the audit hash chain, or print its head (the anchor to keep elsewhere)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,head}")
        verify = sub.add_parser("verify", help="re-compute the whole chain")
        verify.add_argument(
            "--expect-head",
            type=_head,
            metavar="SEQ:HASH",
            help="a head printed earlier by `balise audit head`; fails if the log no longer "
            "reaches it unchanged (catches deleted newest events)",
        )
        sub.add_parser("head", help="print SEQ:HASH of the newest event")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            self.stdout.write(str(chain_head()))
            return
        result = verify_chain(expect_head=options.get("expect_head"))
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN at event #{result.first_broken_seq}: {result.reason} "
                f"({result.checked} events checked before it)",
                returncode=1,
            )
        self.stdout.write(f"audit chain OK: {result.checked} events checked; head {result.head}")

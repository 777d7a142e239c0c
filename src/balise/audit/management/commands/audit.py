"""`balise audit verify | head | export`: check the hash chain, print its anchor, ship a copy.

verify only reads: it can run with read-only database credentials or on a replica, and it does
not append an event of its own. export writes JSON Lines (one event a line, every stored field)
for a copy kept on another system; `verify --input FILE` checks such a copy (with the key).
"""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from balise.audit.models import AuditEvent
from balise.audit.services import (
    ChainHead,
    VerifyResult,
    chain_head,
    event_from_json,
    event_to_json,
    record_event,
    verify_chain,
)


def _head(text: str) -> ChainHead:
    try:
        return ChainHead.parse(text)
    except ValueError as exc:
        raise ArgumentTypeError(str(exc)) from exc


def _events_in(lines: TextIO) -> Iterator[AuditEvent]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield event_from_json(line)
        except (ValueError, TypeError) as exc:
            raise CommandError(f"line {number} is not an exported audit event: {exc}") from exc


class Command(BaseCommand):
    help = "Verify the audit hash chain, print its head (the anchor to keep elsewhere), export it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{verify,head,export}"
        )
        verify = sub.add_parser("verify", help="re-compute the whole chain")
        verify.add_argument(
            "--expect-head",
            type=_head,
            metavar="SEQ:HASH",
            help="a head printed earlier by `balise audit head`; fails if the log no longer "
            "reaches it unchanged (catches deleted newest events)",
        )
        verify.add_argument(
            "--input",
            type=Path,
            metavar="FILE",
            help="verify a copy written by `balise audit export` instead of the database",
        )
        sub.add_parser("head", help="print SEQ:HASH of the newest event")
        export = sub.add_parser("export", help="write events as JSON Lines (audited)")
        export.add_argument("--output", required=True, metavar="FILE", help="file, or - for stdout")
        export.add_argument(
            "--after", type=int, default=0, metavar="SEQ", help="only events after this one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            self.stdout.write(str(chain_head()))
        elif options["subcommand"] == "export":
            self._export(options["output"], options["after"])
        elif options["input"] is not None:
            self._verify_file(options["input"], options.get("expect_head"))
        else:
            self._report(verify_chain(expect_head=options.get("expect_head")), "audit chain")

    def _report(self, result: VerifyResult, what: str) -> None:
        if not result.ok:
            raise CommandError(
                f"{what} BROKEN at event #{result.first_broken_seq}: {result.reason} "
                f"({result.checked} events checked before it)",
                returncode=1,
            )
        self.stdout.write(f"{what} OK: {result.checked} events checked; head {result.head}")

    def _verify_file(self, path: Path, expect_head: ChainHead | None) -> None:
        with path.open(encoding="utf-8") as lines:
            events = _events_in(lines)
            first = next(events, None)
            if first is None:
                self._report(verify_chain([], expect_head=expect_head), f"{path}")
                return
            # A segment that does not start at #1 is checked from its first event's link on.
            start = None if first.seq == 1 else ChainHead(first.seq - 1, first.prev_hash)
            if start is not None:
                self.stdout.write(
                    f"{path} starts at event #{first.seq}; its link is taken as given"
                )
            result = verify_chain(chain([first], events), expect_head=expect_head, start=start)
        self._report(result, str(path))

    def _export(self, output: str, after: int) -> None:
        # Bound by the head before the export's own event, so the file matches the count recorded.
        head = chain_head()
        events = AuditEvent.objects.filter(seq__gt=after, seq__lte=head.seq).order_by("seq")
        rows = events.count()
        record_event(
            "audit.exported",
            object_type="audit_event",
            details={"format": "jsonl", "rows": rows, "after": after, "to": head.seq},
        )
        if output == "-":
            for event in events.iterator(2000):
                self.stdout.write(event_to_json(event))
            return
        with open(output, "w", encoding="utf-8") as target:
            for event in events.iterator(2000):
                target.write(event_to_json(event) + "\n")
        self.stdout.write(f"{rows} events written to {output} (#{after + 1} to #{head.seq})")

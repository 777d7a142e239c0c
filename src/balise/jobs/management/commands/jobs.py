"""`balise jobs work`: run queued background jobs (a systemd unit in production), and the
periodic tasks of ``BALISE_JOBS_PERIODIC`` (the mail outbox's due retries) at every poll;
`balise jobs reap`: fail jobs left running by a dead process and drop stale uploads."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from balise.jobs.services import purge_payloads, reap_stale, run_queued


class Command(BaseCommand):
    help = "Run queued background jobs, or clean up interrupted ones."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        work = sub.add_parser("work", help="run queued jobs")
        work.add_argument("--once", action="store_true", help="run what is queued, then exit")
        work.add_argument("--sleep", type=float, default=2.0, help="seconds between polls")
        reap = sub.add_parser("reap", help="fail stale running jobs, drop old uploads")
        reap.add_argument("--minutes", type=int, default=120, help="age of a stale job")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "work":
            self._work(once=options["once"], sleep=options["sleep"])
        elif action == "reap":
            age = timedelta(minutes=options["minutes"])
            failed = reap_stale(older_than=age)
            dropped = purge_payloads(older_than=age)
            self.stdout.write(f"{failed} stale job(s) failed, {dropped} upload(s) dropped")
        else:  # pragma: no cover - argparse enforces the choices
            raise CommandError(f"unknown action {action}")

    def _work(self, *, once: bool, sleep: float) -> None:
        total = 0
        periodic = [import_string(path) for path in settings.BALISE_JOBS_PERIODIC]
        while True:
            ran = run_queued()
            total += ran
            for task in periodic:  # e.g. the mail outbox's retries that have come due
                task()
            if once:
                break
            if not ran:
                time.sleep(sleep)
        self.stdout.write(f"{total} job(s) run")

"""One text progress bar for every long `balise` command (stderr, redrawn in place).

It is also a job's ``ReportProgress``: ``bar(done, total, stage=...)``; ``close()`` ends the line.
Framework-free, so organisation-side and server-side commands share it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def _stderr(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


class ProgressBar:
    def __init__(
        self,
        write: Callable[[str], None] | None = None,
        width: int = 30,
        every: float = 0.2,
    ) -> None:
        self.write = write or _stderr
        self.width = width
        self.every = every
        self.total: int | None = None
        self.stage = ""
        self._last = float("-inf")
        self._drawn = False

    def __call__(self, done: int, total: int | None = None, stage: str | None = None) -> None:
        if stage is not None and stage != self.stage:
            self.stage = stage
            self.total = None  # each stage counts its own work (or none)
            self._last = float("-inf")
        if total is not None:
            self.total = total
        finished = bool(self.total) and done >= (self.total or 0)
        now = time.monotonic()
        if now - self._last < self.every and not finished:
            return
        self._last = now
        if self.total:
            share = min(1.0, done / self.total)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"\r[{bar}] {share:4.0%} {done}/{self.total} {self.stage}"
        else:
            line = f"\r[{'.' * self.width}] {self.stage}"
        self.write(line.ljust(self.width + 40))
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.write("\n")
            self._drawn = False

"""A plain text progress bar for the server-side commands (stderr, redrawn in place)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.total: int | None = None
        self.stage = ""
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, stage: str | None = None) -> None:
        if stage is not None and stage != self.stage:
            self.stage = stage
            self.total = None  # a new stage counts its own work (or none)
            self._last = 0.0
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self._last < 0.2 and not (self.total and done >= self.total):
            return
        self._last = now
        if self.total:
            share = min(1.0, done / self.total)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"\r[{bar}] {share:4.0%} {done}/{self.total} {self.stage:<10}"
        else:
            line = f"\r[{'.' * self.width}] {self.stage:<10}"
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()

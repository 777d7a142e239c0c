"""A Balise process that stops inside an import's transaction, to be killed there by a test.

``python -m tests.faults.paused_child MARKER -- ARGS...`` runs ``balise ARGS`` (a CLI import, or
``jobs work --once`` picking up an import job) with one change: once every row of the import is
written and before its audit event and commit, it writes the number of situations it sees (its
own uncommitted rows included) to MARKER and waits to be killed. The test synchronises on MARKER
(a state), never on a delay.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    marker = Path(argv[0])
    arguments = argv[argv.index("--") + 1 :]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balise.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from balise.situations import services
    from balise.situations.models import Situation

    def stop_before_commit(*args: Any, **kwargs: Any) -> Any:
        seen = Situation.objects.count()
        partial = marker.with_suffix(".part")
        partial.write_text(str(seen))
        partial.rename(marker)  # the marker appears whole or not at all
        threading.Event().wait()  # until SIGKILL

    services._record_with_ids = stop_before_commit  # the fault
    call_command(*arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

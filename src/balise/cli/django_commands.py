"""Server-side `balise` subcommands: they run as Django management commands.

`balise audit verify` is the management command `audit` with its argument `verify`, and so on.
"""

from __future__ import annotations

import os


def run(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balise.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["balise", *argv])
    return 0

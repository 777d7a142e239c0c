"""Entry point of the `balise` console script.

`secret`, `encode` and `dedupe` run at the organisation without Django or a database; any other
first argument is a server-side command handed to `balise.cli.django_commands` (imported lazily,
so the organisation side never loads Django).
"""

from __future__ import annotations

import argparse
import sys

from balise import __version__

ORGANISATION_COMMANDS = frozenset({"secret", "encode", "dedupe"})
HELP_FLAGS = frozenset({"-h", "--help", "--version"})

EPILOG = """\
server-side commands (need the Balise server settings and database), for example:
  balise audit verify                     check the audit log's hash chain
  balise demo --situations N --seed S     synthetic situations for the demo network
  balise linkage run                      count children across the recorded situations
  balise release build --period YYYY --output FILE
  balise release export ID --output FILE
  balise audit head | export --output FILE  the chain head to keep elsewhere; a copy
  balise situations import|purge          a steward's bulk import; the retention purge
  balise jobs work                        run queued background jobs
  balise newsletter bounces --mbox FILE   suppress hard-bounced newsletter addresses (DSNs)
  balise backup create --output DIR | restore DIR --yes   database + files, never keys
  balise help                             list every server-side command
"""


def build_parser() -> argparse.ArgumentParser:
    from balise.cli.organisation import add_subcommands

    parser = argparse.ArgumentParser(
        prog="balise",
        description="Balise: encode identities at the organisation, count children without names.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"balise {__version__}")
    subparsers = parser.add_subparsers(
        dest="command", title="organisation-side commands (no Django, no database, no network)"
    )
    add_subcommands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments and arguments[0] not in ORGANISATION_COMMANDS | HELP_FLAGS:
        from balise.cli import django_commands

        return django_commands.run(arguments)
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    from balise.cli.organisation import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())

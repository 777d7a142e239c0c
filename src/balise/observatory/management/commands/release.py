"""`balise release build` (a would-be release, nothing published) and `balise release export`."""

from __future__ import annotations

import json
import os
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from balise.cli.progress import ProgressBar
from balise.observatory.models import Release
from balise.observatory.releases import (
    ReleaseError,
    build,
    build_cell_key,
    build_dp,
    cell_key_document,
    check_period,
    to_json,
)
from balise.observatory.runs import linkage_run
from balise.observatory.selectors import is_stale, latest_run
from balise.observatory.services import dashboards_warm


def write_json(path: str, document: Any) -> None:
    """Write atomically: a failed run never leaves a half-written file."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"the folder of {path} does not exist", returncode=2)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".balise-", suffix=".json")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _period(text: str) -> int:
    if not (len(text) == 4 and text.isdigit()):
        raise CommandError(f"--period must be a year as YYYY, not {text!r}", returncode=2)
    return int(text)


class Command(BaseCommand):
    help = "Releases: `build` a would-be release from current data; `export` a published one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="{build,export}")
        build_parser = commands.add_parser("build", help="protected, audited tables; no publishing")
        build_parser.add_argument("--period", required=True, metavar="YYYY")
        build_parser.add_argument("--output", required=True, metavar="FILE.json")
        build_parser.add_argument("--geography", default="province")
        build_parser.add_argument("--age-bands", default="primero")
        build_parser.add_argument("--threshold", type=int, default=10)
        build_parser.add_argument(
            "--mode",
            choices=["suppression", "cellkey", "dp"],
            default="suppression",
            help="suppression with an audit (default), cell-key perturbation with its attack, "
            "or differential privacy (OpenDP)",
        )
        build_parser.add_argument("--epsilon", type=float, default=1.0, help="per table (dp)")
        build_parser.add_argument("--budget", type=float, default=None, help="total epsilon (dp)")
        export = commands.add_parser("export", help="write a published release as JSON")
        export.add_argument("id", metavar="ID")
        export.add_argument("--output", required=True, metavar="FILE.json")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        if action == "build":
            self._build(options)
        elif action == "export":
            self._export(options)
        else:
            raise CommandError("usage: balise release {build,export} ...", returncode=2)

    def _build(self, options: dict[str, Any]) -> None:
        period = _period(str(options["period"]))
        try:
            check_period(period)
        except ReleaseError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if options["threshold"] < 1:
            raise CommandError("--threshold must be at least 1", returncode=2)
        from balise.situations.models import Situation

        if not Situation.objects.exists():
            raise CommandError("no data: no situation is recorded yet", returncode=2)
        if is_stale(latest_run()):
            self.stderr.write("Situations changed since the last linkage run: running it first.")
            bar = ProgressBar()
            run = linkage_run(actor=None, progress=bar)
            bar(0, None, "dashboards")
            dashboards_warm(run=run)
            bar.close()
        if options["mode"] == "dp":
            self._build_dp(period, options)
            return
        if options["mode"] == "cellkey":
            self._build_cell_key(period, options)
            return
        try:
            built = build(
                period=period,
                geography=options["geography"],
                age_bands=options["age_bands"],
                threshold=options["threshold"],
                status="would-be release (not published)",
            )
        except ReleaseError as exc:
            raise CommandError(str(exc), returncode=2) from None
        write_json(options["output"], to_json(built))
        protected = built.protected
        self.stdout.write(
            f"Release {period} built (not published): {len(protected.tables)} tables, "
            f"{protected.cell_count} cells, {protected.suppressed_count} withheld; audit "
            f"{'passed' if built.report.passed else 'FAILED'} against "
            f"{len(built.earlier_ids)} earlier releases; written to {options['output']}."
        )

    def _build_cell_key(self, period: int, options: dict[str, Any]) -> None:
        try:
            built = build_cell_key(
                period=period,
                geography=options["geography"],
                age_bands=options["age_bands"],
                threshold=options["threshold"],
                status="would-be release (not published)",
            )
        except ReleaseError as exc:
            raise CommandError(str(exc), returncode=2) from None
        document = cell_key_document(built)
        write_json(options["output"], document)
        attack = built.attack
        self.stdout.write(
            f"Release {period} built with cell-key perturbation (not published): "
            f"{built.perturbed.true.cell_count} cells, all published, mean absolute error "
            f"{built.perturbed.mean_absolute_error:.2f}; attack "
            f"{'passed' if attack.passed else 'FAILED'} ({len(attack.protected_recovered)} of "
            f"{attack.protected_cells} small counts recovered) against "
            f"{len(built.earlier_ids)} earlier releases; written to {options['output']}."
        )

    def _build_dp(self, period: int, options: dict[str, Any]) -> None:
        try:
            document = build_dp(
                period=period,
                epsilon=options["epsilon"],
                budget=options["budget"],
                geography=options["geography"],
                age_bands=options["age_bands"],
            )
        except ReleaseError as exc:
            raise CommandError(str(exc), returncode=2) from None
        write_json(options["output"], document)
        tables = document["tables"]
        self.stdout.write(
            f"Release {period} built in differential-privacy mode (not published): "
            f"{len(tables)} tables, epsilon {options['epsilon']:g} each "
            f"({options['epsilon'] * len(tables):g} in all); written to {options['output']}."
        )

    def _export(self, options: dict[str, Any]) -> None:
        text = str(options["id"])
        release = Release.objects.filter(pk=int(text)).first() if text.isdigit() else None
        if release is None:
            raise CommandError(f"there is no release {text}", returncode=2)
        if not release.is_published or release.content is None:
            raise CommandError(
                f"release {text} is a draft: only published releases can be exported",
                returncode=2,
            )
        write_json(options["output"], release.content)
        self.stdout.write(f"Release {release.pk} ({release.title}) written to {options['output']}.")

"""`balise release build` (a would-be release, nothing published) and `balise release export`."""

from __future__ import annotations

import json
import os
import tempfile
from argparse import ArgumentParser
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from django.core.management.base import BaseCommand, CommandError

from balise.cli.progress import ProgressBar
from balise.disclosure import DEFAULT_THRESHOLD
from balise.observatory.models import Release
from balise.observatory.releases import cellkey, dp, suppression
from balise.observatory.releases.common import Design, ReleaseError, check_period
from balise.observatory.runs import linkage_run
from balise.observatory.selectors import Filters, is_stale, latest_run, totals
from balise.observatory.services import dashboards_warm
from balise.observatory.tables import CATEGORIES, GROUPED_BELOW, default_categories


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
        build_parser.add_argument(
            "--categories",
            choices=CATEGORIES,
            default=None,
            help="forms of exploitation by Eurostat group (grouped) or each (detailed); "
            f"default: grouped below {GROUPED_BELOW} children in the period's year",
        )
        build_parser.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD)
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
        categories = options.get("categories") or default_categories(
            totals(Filters(values={"year": period}))["children"]
        )
        design = Design(
            period=period,
            geography=options["geography"],
            age_bands=options["age_bands"],
            categories=categories,
            threshold=options["threshold"],
        )
        builders = {"suppression": _suppression, "cellkey": _cell_key, "dp": _dp}
        try:
            document, how, what = builders[options["mode"]](design, options)
        except ReleaseError as exc:
            raise CommandError(str(exc), returncode=2) from None
        write_json(options["output"], document)
        self.stdout.write(
            f"Release {period} built{how} (not published): {what}; written to {options['output']}."
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


# Each mode's would-be release: (its JSON, how it was protected, what it holds).
Built = tuple[dict[str, Any], str, str]
WOULD_BE: Final = "would-be release (not published)"


def _suppression(design: Design, options: dict[str, Any]) -> Built:
    built = suppression.build(design, status=WOULD_BE)
    protected = built.protected
    what = (
        f"{len(protected.tables)} tables, {protected.cell_count} cells, "
        f"{protected.suppressed_count} withheld; audit "
        f"{'passed' if built.report.passed else 'FAILED'} against "
        f"{len(built.earlier_ids)} earlier releases"
    )
    return suppression.document(protected, built.report), "", what


def _cell_key(design: Design, options: dict[str, Any]) -> Built:
    built = cellkey.build(design, status=WOULD_BE)
    attack = built.attack
    what = (
        f"{built.perturbed.true.cell_count} cells, all published, mean absolute error "
        f"{built.perturbed.mean_absolute_error:.2f}; attack "
        f"{'passed' if attack.passed else 'FAILED'} ({len(attack.protected_recovered)} of "
        f"{attack.protected_cells} small counts recovered) against "
        f"{len(built.earlier_ids)} earlier releases"
    )
    return cellkey.document(built), " with cell-key perturbation", what


def _dp(design: Design, options: dict[str, Any]) -> Built:
    epsilon = options["epsilon"]
    noisy = replace(design, threshold=0, title=f"Balise {design.period} (differential privacy)")
    document = dp.build(noisy, epsilon=epsilon, budget=options["budget"])
    tables = document["tables"]
    what = f"{len(tables)} tables, epsilon {epsilon:g} each ({epsilon * len(tables):g} in all)"
    return document, " in differential-privacy mode", what

"""`balise linkage run`: cluster every stored encoding into children and record the run;
`balise linkage warm`: compile the linkage kernels into numba's cache (install time)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from balise.cli.progress import ProgressBar
from balise.observatory.runs import QUALITY_SET_CHILDREN, linkage_run
from balise.observatory.services import dashboards_warm
from balise.situations.encodings import EncodingIntegrityError


class Command(BaseCommand):
    help = (
        "Linkage runs: `run` counts children across every recorded situation; `warm` compiles "
        "the kernels into the cache so that no first run pays for it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", metavar="{run,warm}")
        run = commands.add_parser("run", help="run the linkage engine over all stored encodings")
        run.add_argument(
            "--quality-children",
            type=int,
            default=QUALITY_SET_CHILDREN,
            help="synthetic children in the synthetic quality set (0 skips the estimate)",
        )
        run.add_argument("--no-progress", action="store_true", help="no progress bar")
        commands.add_parser(
            "warm", help="compile the linkage kernels into numba's cache (reads no data)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("action") == "warm":
            from balise.linkage.warm import warm_kernels

            result = warm_kernels()
            self.stdout.write(
                f"Linkage kernels ready in {result.seconds:.1f} s "
                f"(spec versions {', '.join(map(str, result.versions))})."
            )
            return
        if options.get("action") != "run":
            raise CommandError("usage: balise linkage run | warm", returncode=2)
        bar = None if options["no_progress"] else ProgressBar()
        try:
            run = linkage_run(
                actor=None, progress=bar, quality_children=options["quality_children"]
            )
            if bar:
                bar(0, None, "dashboards")
            dashboards_warm(run=run)
        except (EncodingIntegrityError, ImproperlyConfigured) as exc:
            raise CommandError(f"linkage run failed: {exc}", returncode=1) from None
        finally:
            if bar:
                bar.close()
        quality = run.quality
        figure = f"; quality-set F1 {quality['f1']:.3f}" if quality.get("f1") is not None else ""
        self.stdout.write(
            f"Linkage run {run.pk}: {run.situations} situations, {run.encoded} with an encoding, "
            f"{run.children} children; {run.clusters_kept} cluster ids kept, "
            f"{run.clusters_new} new{figure}."
        )
        for version in run.parameters.get("versions", []):
            how = "linked" if version["linked"] else "not linked (re-encode these records)"
            self.stdout.write(
                f"  spec version {version['version']}: {version['records']} records, "
                f"{version['children']} children, {how}."
            )

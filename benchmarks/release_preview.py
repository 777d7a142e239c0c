"""Release preview time and what each protection publishes, on the demo network's volume.

    .venv/bin/python benchmarks/release_preview.py [--situations-per-year 400] [--repeats 3]

Migrates a fresh SQLite database, loads three years of synthetic facts as a linkage run leaves
them (``benchmarks/dashboards.py``'s generator: children met by one to four sectors, ages
peaking at 14-16), then times the preview of a release of every standard table for the last
year, as the background job computes it (``release_preview``): suppression with its audit (the
baseline, as before this change) and cell-key perturbation with its attack. Prints seconds
(median of the repeats), the share of cells published, the mean absolute error and the attack's
verdict, and the ratio of the two times.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--situations-per-year", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup("balise-bench-preview-")
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from balise.accounts.models import PlatformRole, User
    from balise.observatory.models import LinkageRun, Release
    from balise.observatory.services import release_draft, release_preview
    from balise.observatory.tables import TABLE_KEYS
    from dashboards import load, synthetic_facts

    n = 3 * args.situations_per_year
    load(synthetic_facts(n, args.seed), n)
    LinkageRun.objects.create(status=LinkageRun.Status.SUCCEEDED, finished_at=timezone.now())
    analyst = User.objects.create_user(
        "bench@example.org", "a-long-benchmark-password", platform_role=PlatformRole.ANALYST
    )
    print(f"{n} facts over 2023-2025; release of {len(TABLE_KEYS)} standard tables for 2025")
    times: dict[str, float] = {}
    for mode in (Release.Mode.SUPPRESSION, Release.Mode.CELL_KEY):
        spent = []
        release = None
        for _ in range(args.repeats):
            draft = release_draft(
                actor=analyst,
                title="Bench",
                period=2025,
                tables=list(TABLE_KEYS),
                geography="province",
                age_bands="primero",
                mode=mode,
            )
            started = time.perf_counter()
            release = release_preview(actor=None, release=draft)
            spent.append(time.perf_counter() - started)
        assert release is not None
        times[mode] = statistics.median(spent)
        cells = [c for t in release.preview["tables"] for c in t["cells"]]
        audit = release.preview["audit"]
        if mode == Release.Mode.SUPPRESSION:
            withheld = sum(1 for c in cells if c.get("withheld"))
            print(
                f"suppression (baseline): {times[mode]:.1f} s, published "
                f"{1 - withheld / len(cells):.0%} ({withheld} of {len(cells)} cells withheld), "
                f"error 0, audit {'passes' if audit['passed'] else 'FAILS'}"
            )
        else:
            perturbation = release.preview["perturbation"]
            print(
                f"cell key: {times[mode]:.1f} s, published 100% of {len(cells)} cells, mean "
                f"absolute error {perturbation['mean_absolute_error']}, attack "
                f"{'passes' if audit['passed'] else 'FAILS'}: {audit['protected_recovered']} of "
                f"{audit['protected_cells']} small counts recovered exactly "
                f"({audit['recovered']} cells in all, attack {audit['seconds']} s)"
            )
    ratio = times[Release.Mode.CELL_KEY] / times[Release.Mode.SUPPRESSION]
    print(f"ratio cell key / suppression preview time: {ratio:.2f} (target: under 5 s)")


if __name__ == "__main__":
    main()

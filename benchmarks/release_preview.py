"""Release preview time and what each protection publishes, on the demo network's volume.

    .venv/bin/python benchmarks/release_preview.py [--situations-per-year 400] [--repeats 3]

Migrates a fresh SQLite database, loads three years of synthetic facts as a linkage run leaves
them (``benchmarks/dashboards.py``'s generator: children met by one to four sectors, ages
peaking at 14-16), then times the preview of a release of every standard table for the last
year, as the background job computes it (``release_preview``), in the categories a draft gets
by default for that volume (grouped below ``GROUPED_BELOW`` children a year):

- suppression with its recovery attack, against a baseline run in the same process: the
  suppression preview as it was before (detailed categories, and the attack run a second time
  after the protection had already run it), timed the same way;
- cell-key perturbation with its attack.

Prints seconds (median of the repeats), the share of cells published, the mean absolute error,
the attack's verdict, and the ratios.
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
    from balise.disclosure import attack_release, build_release, protect_release
    from balise.observatory.models import LinkageRun, Release
    from balise.observatory.selectors import Filters, totals
    from balise.observatory.services import release_draft, release_preview
    from balise.observatory.tables import TABLE_KEYS, default_categories, period_rows, table_specs
    from dashboards import load, synthetic_facts

    n = 3 * args.situations_per_year
    load(synthetic_facts(n, args.seed), n)
    LinkageRun.objects.create(status=LinkageRun.Status.SUCCEEDED, finished_at=timezone.now())
    analyst = User.objects.create_user(
        "bench@example.org", "a-long-benchmark-password", platform_role=PlatformRole.ANALYST
    )
    children = totals(Filters(values={"year": 2025}))["children"]
    categories = default_categories(children)
    print(
        f"{n} facts over 2023-2025 ({children} children in 2025); release of "
        f"{len(TABLE_KEYS)} standard tables for 2025, {categories} categories"
    )

    def baseline() -> tuple[int, int]:
        """The suppression preview before this change: detailed categories; the protection ran
        the attack and the preview ran it again. Returns (withheld, cells)."""
        specs = table_specs(period=2025, categories="detailed")
        protected = protect_release(build_release(specs, period_rows(2025)))
        assert attack_release(protected).passed
        return protected.suppressed_count, protected.cell_count

    spent_before, cpu_before = [], []
    for _ in range(args.repeats):
        started, cpu = time.perf_counter(), time.process_time()
        withheld_before, cells_before = baseline()
        spent_before.append(time.perf_counter() - started)
        cpu_before.append(time.process_time() - cpu)
    before = statistics.median(spent_before)
    print(
        f"suppression before (baseline): {before:.1f} s "
        f"({statistics.median(cpu_before):.1f} s of CPU), published "
        f"{1 - withheld_before / cells_before:.0%} ({withheld_before} of {cells_before} cells "
        "withheld)"
    )
    times: dict[str, float] = {}
    cpu_times: dict[str, float] = {}
    for mode in (Release.Mode.SUPPRESSION, Release.Mode.CELL_KEY):
        spent, cpu_spent = [], []
        release = None
        for _ in range(args.repeats):
            draft = release_draft(
                actor=analyst,
                title="Bench",
                period=2025,
                tables=list(TABLE_KEYS),
                geography="province",
                age_bands="primero",
                categories=categories,
                mode=mode,
            )
            started, cpu = time.perf_counter(), time.process_time()
            release = release_preview(actor=None, release=draft)
            spent.append(time.perf_counter() - started)
            cpu_spent.append(time.process_time() - cpu)
        assert release is not None
        times[mode] = statistics.median(spent)
        cpu_times[mode] = statistics.median(cpu_spent)
        cells = [c for t in release.preview["tables"] for c in t["cells"]]
        audit = release.preview["audit"]
        if mode == Release.Mode.SUPPRESSION:
            withheld = sum(1 for c in cells if c.get("withheld"))
            print(
                f"suppression: {times[mode]:.1f} s ({cpu_times[mode]:.1f} s of CPU; "
                f"x{times[mode] / before:.2f} of the baseline; target under 5 s), "
                f"published {1 - withheld / len(cells):.0%} ({withheld} of "
                f"{len(cells)} cells withheld), error 0, attack "
                f"{'passes' if audit['passed'] else 'FAILS'}"
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
    print(f"ratio cell key / suppression preview time: {ratio:.2f}")


if __name__ == "__main__":
    main()

"""Dashboard query latency over N synthetic situations (p50 and p95 per query, target p95 < 300 ms).

    scripts/with_postgres.py -- .venv/bin/python benchmarks/dashboards.py [--situations 1000000]
    .venv/bin/python benchmarks/dashboards.py --situations 100000      # SQLite, temporary file

Migrates a fresh database (PostgreSQL when DATABASE_URL is set), then loads N synthetic situations
as the observatory stores them after a linkage run (``observatory_statfact``: one row per
situation with its child cluster, coarsened facts and bit masks; children met by one to four
sectors, ages peaking at 14-16, three years of months, 44 signs...). On PostgreSQL the rows go in
with COPY, then ANALYZE. Every dashboard query (``balise.observatory.selectors``) runs R times
unfiltered and R times with a typical filter (one year and one sector). The baseline in the same
run is a bare ``SELECT COUNT(*)`` over the table: the ratio shows what each query costs beyond
reading the rows once. The linkage run itself is measured in ``benchmarks/linkage_speed.py``.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from _django import setup

TARGET_MS = 300.0


def synthetic_facts(n: int, seed: int) -> dict[str, Any]:
    """Columns of N facts: realistic marginals, children repeated across sectors."""
    from balise.observatory.facts import bit_positions, province_of
    from balise.taxonomy.loader import age_group_for, vocabulary

    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3, 4], p=[0.48, 0.32, 0.14, 0.06], size=n)
    child_of = np.repeat(np.arange(len(sizes)), sizes)[:n]
    sectors = np.array([e.code for e in vocabulary("sectors")][:7])
    arrondissements = np.array(
        [e.code for e in vocabulary("geography") if e.level == "arrondissement"]
    )
    arr_weights = np.ones(len(arrondissements))
    arr_weights[list(arrondissements).index("21000")] = 40.0
    arr_weights[list(arrondissements).index("11000")] = 15.0
    arr_weights /= arr_weights.sum()
    ages = np.arange(9, 18)
    age_weights = np.array([1, 1, 2, 5, 8, 13, 17, 19, 15], dtype=float)
    child_age = rng.choice(ages, p=age_weights / age_weights.sum(), size=len(sizes))
    child_gender = rng.choice(
        ["girl", "boy", "other", "unknown"], p=[0.62, 0.34, 0.02, 0.02], size=len(sizes)
    )
    child_citizenship = rng.choice(
        ["belgian", "other_eu", "non_eu", "unknown"], p=[0.45, 0.08, 0.43, 0.04], size=len(sizes)
    )
    child_unaccompanied = (child_citizenship == "non_eu") & (rng.random(len(sizes)) < 0.4)
    month_index = rng.integers(0, 36, size=n)
    years = 2023 + month_index // 12
    months = month_index % 12 + 1
    forms = list(bit_positions("forms").values())
    province = {a: province_of(a) for a in arrondissements}
    arr = rng.choice(arrondissements, p=arr_weights, size=n)

    def masks(vocabulary_name: str, low: int, high: int) -> np.ndarray[Any, Any]:
        bits = np.array(list(bit_positions(vocabulary_name).values()), dtype=np.int64)
        out = np.zeros(n, dtype=np.int64)
        count = rng.integers(low, high + 1, size=n)
        for k in range(high):
            chosen = rng.choice(bits, size=n)
            out |= np.where(count > k, np.left_shift(np.int64(1), chosen), 0)
        return out

    age = child_age[child_of]
    sector = rng.choice(sectors, size=n)
    sector_bits = bit_positions("sectors")
    return {
        "situation_id": np.arange(1, n + 1),
        "cluster": np.char.add("c", np.char.zfill(child_of.astype(str), 11)),
        "child": child_of,
        "sector": sector,
        "sector_bit": np.vectorize(lambda s: 1 << sector_bits[str(s)])(sector),
        "year": years,
        "quarter": (months - 1) // 3 + 1,
        "month": [f"{y}-{m:02d}-01" for y, m in zip(years.tolist(), months.tolist(), strict=True)],
        "arrondissement": arr,
        "province": np.array([province[a] for a in arr]),
        "age_years": age,
        "age_group": np.array([age_group_for(int(a)) for a in range(18)])[age],
        "gender": child_gender[child_of],
        "citizenship_group": child_citizenship[child_of],
        "unaccompanied": child_unaccompanied[child_of],
        "status": rng.choice(["presumed", "confirmed"], size=n),
        "main_form": np.array([e.code for e in vocabulary("forms")])[
            rng.choice(len(forms), size=n)
        ],
        "forms_mask": masks("forms", 1, 2),
        "channels_mask": masks("recruitment_channels", 1, 2),
        "places_mask": masks("places", 1, 2),
        "vulnerabilities_mask": masks("vulnerabilities", 0, 4),
        "signs_mask": masks("signs", 1, 6),
    }


def load(columns: dict[str, Any], n: int) -> None:
    from django.db import connection

    from balise.observatory.models import StatFact

    names = list(columns)
    # These facts have no situations behind them: drop their foreign keys in this throwaway
    # database (the keys cost writes, not the dashboard reads measured here).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, "observatory_statfact")
            for constraint, info in found.items():
                if info["foreign_key"]:
                    cursor.execute(
                        f'ALTER TABLE observatory_statfact DROP CONSTRAINT "{constraint}"'
                    )
    else:
        connection.disable_constraint_checking()
    if connection.vendor == "postgresql":
        chunk = 200_000
        for start in range(0, n, chunk):
            buffer = io.StringIO()
            rows = zip(*(list(columns[c][start : start + chunk]) for c in names), strict=True)
            for row in rows:
                buffer.write(
                    "\t".join("t" if v is True else "f" if v is False else str(v) for v in row)
                )
                buffer.write("\n")
            buffer.seek(0)
            sql = f"COPY observatory_statfact ({', '.join(names)}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:  # psycopg 3
                copy.write(buffer.getvalue())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE observatory_statfact")
        return
    batch = []
    for index in range(n):
        values = {c: columns[c][index] for c in names}
        values = {k: (v.item() if hasattr(v, "item") else v) for k, v in values.items()}
        batch.append(StatFact(**values))
        if len(batch) == 20_000:
            StatFact.objects.bulk_create(batch)
            batch.clear()
    StatFact.objects.bulk_create(batch)


def breakdown_of(name: str, filters: Any) -> list[Any]:
    from balise.observatory import selectors

    return selectors.breakdown(name, filters)


def timed(function: Callable[[], object], repeats: int) -> tuple[float, float]:
    samples = []
    function()  # warm the cache and the plan
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return samples[len(samples) // 2], p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--situations", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup("balise-stats-")
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from balise.observatory import selectors

    translation.activate("en")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    columns = synthetic_facts(args.situations, args.seed)
    generated = time.perf_counter() - started
    load(columns, args.situations)
    loaded = time.perf_counter() - started - generated
    print(
        f"{connection.vendor}: {args.situations} situations "
        f"({len(set(columns['cluster'].tolist()))} children) generated in {generated:.1f} s, "
        f"loaded in {loaded:.1f} s; {args.repeats} runs per query"
    )

    def baseline() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM observatory_statfact")
            return cursor.fetchone()

    base_p50, base_p95 = timed(baseline, args.repeats)
    print(f"{'query':<34} {'filter':<12} {'p50 ms':>8} {'p95 ms':>8} {'x base':>7}  target")
    print(
        f"{'baseline: SELECT COUNT(*)':<34} {'none':<12} {base_p50:8.1f} {base_p95:8.1f} {1:7.1f}"
    )
    typical = selectors.Filters(values={"year": 2024, "sector": "police"})
    queries: list[tuple[str, Callable[[selectors.Filters], object]]] = [
        ("totals (situations, children, 2+)", selectors.totals),
        ("sector x sector overlap", selectors.overlap),
    ]
    queries += [(f"breakdown {name}", partial(breakdown_of, name)) for name in selectors.BREAKDOWNS]
    worst = 0.0
    for label, query in queries:
        for filter_name, filters in (("none", selectors.Filters()), ("year+sector", typical)):
            p50, p95 = timed(partial(query, filters), args.repeats)
            worst = max(worst, p95)
            verdict = "ok" if p95 < TARGET_MS else "SLOW"
            print(
                f"{label:<34} {filter_name:<12} {p50:8.1f} {p95:8.1f} "
                f"{p95 / base_p95 if base_p95 else 0:7.1f}  {verdict}"
            )
    print(f"worst p95 (cold queries): {worst:.1f} ms (target < {TARGET_MS:.0f} ms)")

    # The dashboard reads stored figures: a linkage run computes the unfiltered and per-year
    # dashboards once (timed here as "warm"), other filters are stored when first asked.
    from django.utils import timezone

    from balise.observatory import figures
    from balise.observatory.models import LinkageRun
    from balise.observatory.services import dashboards_warm

    run = LinkageRun.objects.create(status=LinkageRun.Status.SUCCEEDED, finished_at=timezone.now())
    started = time.perf_counter()
    stored = dashboards_warm(run=run)
    spent = time.perf_counter() - started
    print(f"warm after a run: {stored} figures computed and stored in {spent:.1f} s")

    def whole_dashboard(filters: selectors.Filters) -> object:
        return [figures.cached(kind, filters, run) for kind in figures.DASHBOARD_KINDS]

    for filter_name, filters in (("none", selectors.Filters()), ("year+sector", typical)):
        p50, p95 = timed(partial(whole_dashboard, filters), args.repeats)
        print(f"{'whole dashboard (stored figures)':<34} {filter_name:<12} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()

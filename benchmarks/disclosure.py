"""Disclosure control: time and information loss of joint protection against naive protection.

    .venv/bin/python benchmarks/disclosure.py [--situations 1500] [--seed 1]

Builds a release of four linked situations tables (place tree x sex, province x age band,
form x sex x age band, region x form) over about 430 finest cells from synthetic microdata, then:
- the baseline: each table protected on its own, then audited together (it may fail);
- joint protection of all four tables and its independent audit;
- an annual release protected against a published half-year release.
Prints cells, withheld cells, audit verdicts and seconds, and the joint/naive time ratio.
"""

from __future__ import annotations

import argparse
import random
import time

from balise.disclosure import (
    Dimension,
    DisclosureRules,
    Release,
    TableSpec,
    audit_release,
    build_release,
    protect_and_audit,
    protect_release,
    release_from_json,
    release_to_json,
)
from balise.disclosure.finest import FinestSpace

REGIONS = {"R1": ["P1", "P2"], "R2": ["P3", "P4", "P5"]}
PROVINCES = {
    "P1": ["A1", "A2"],
    "P2": ["A3", "A4"],
    "P3": ["A5", "A6", "A7"],
    "P4": ["A8", "A9"],
    "P5": ["A10", "A11", "A12"],
}
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


def _dimensions() -> dict[str, Dimension]:
    parents: dict[str, str | None] = {}
    for region, provinces in REGIONS.items():
        parents[region] = None
        for province in provinces:
            parents[province] = region
            for arrondissement in PROVINCES[province]:
                parents[arrondissement] = province
    return {
        "place": Dimension.hierarchical("place", parents, variable="arrondissement"),
        "province": Dimension.grouped("province", PROVINCES, variable="arrondissement"),
        "region": Dimension.grouped(
            "region",
            {r: [a for p in ps for a in PROVINCES[p]] for r, ps in REGIONS.items()},
            variable="arrondissement",
        ),
        "sex": Dimension.flat("sex", ["F", "M", "X"]),
        "age": Dimension.grouped(
            "age_band",
            {
                "0-11": [str(a) for a in range(12)],
                "12-15": ["12", "13", "14", "15"],
                "16-17": ["16", "17"],
            },
            variable="age",
        ),
        "form": Dimension.flat("form", ["sexual", "labour", "criminality", "other"]),
    }


def _rows(n: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    arrondissements = [a for group in PROVINCES.values() for a in group]
    rows = [
        {
            "child": rng.randrange(max(1, n * 3 // 4)),
            "arrondissement": rng.choice(arrondissements),
            "sex": rng.choices(["F", "M", "X"], [6, 4, 0.1])[0],
            "age": str(rng.randint(0, 17)),
            "form": rng.choices(["sexual", "labour", "criminality", "other"], [5, 2, 2, 1])[0],
            "month": rng.choice(MONTHS),
        }
        for _ in range(n)
    ]
    rows.sort(key=lambda r: str(r["month"]))
    return rows


def _specs(scope: frozenset[str]) -> list[TableSpec]:
    d = _dimensions()
    s = {"month": scope}
    return [
        TableSpec("place_sex", "situations", (d["place"], d["sex"]), scope=s),
        TableSpec("province_age", "situations", (d["province"], d["age"]), scope=s),
        TableSpec("form_sex_age", "situations", (d["form"], d["sex"], d["age"]), scope=s),
        TableSpec("region_form", "situations", (d["region"], d["form"]), scope=s),
    ]


def _naive(release: Release) -> Release:
    tables = tuple(
        protect_release(Release(metadata={}, tables=(t,), rules=release.rules)).tables[0]
        for t in release.tables
    )
    return Release(metadata=release.metadata, tables=tables, rules=release.rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--situations", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = _rows(args.situations, args.seed)
    rules = DisclosureRules()
    annual = build_release(_specs(frozenset(MONTHS)), rows, metadata={"id": "2025"}, rules=rules)
    finest = FinestSpace([t.spec for t in annual.tables]).size
    print(
        f"release: {len(annual.tables)} tables, {annual.cell_count} cells, "
        f"{finest} finest cells (before merging), {args.situations} situations"
    )

    started = time.perf_counter()
    naive = _naive(annual)
    naive_report = audit_release(naive)
    naive_seconds = time.perf_counter() - started
    print(
        f"baseline (each table alone): {naive.suppressed_count} withheld, audit "
        f"{'passes' if naive_report.passed else 'FAILS'} ({len(naive_report.failures)} cells), "
        f"{naive_seconds:.2f} s"
    )

    started = time.perf_counter()
    joint, report = protect_and_audit(annual)
    joint_seconds = time.perf_counter() - started
    print(
        f"joint protection + audit: {joint.suppressed_count} withheld, audit "
        f"{'passes' if report.passed else 'FAILS'} ({len(report.cells)} withheld cells audited, "
        f"audit {report.seconds:.2f} s), {joint_seconds:.2f} s"
    )
    print(f"ratio joint/baseline time: {joint_seconds / naive_seconds:.2f}")

    half = build_release(_specs(frozenset(MONTHS[:6])), rows, metadata={"id": "2025-H1"})
    earlier = release_from_json(release_to_json(protect_release(half)))
    started = time.perf_counter()
    against, report = protect_and_audit(annual, earlier=[earlier])
    seconds = time.perf_counter() - started
    ignoring = audit_release(joint, earlier=[earlier])
    print(
        f"annual against the published half-year: {against.suppressed_count} withheld, audit "
        f"{'passes' if report.passed else 'FAILS'}, {seconds:.2f} s; the annual release "
        f"protected without it {'passes' if ignoring.passed else 'FAILS'} "
        f"({len(ignoring.failures)} cells)"
    )


if __name__ == "__main__":
    main()

"""Disclosure control: time and information loss of joint protection against naive protection.

    .venv/bin/python benchmarks/disclosure.py [--situations 1500] [--seed 1]

Builds a release of four linked situations tables (place tree x sex, province x age band,
form x sex x age band, region x form) over about 430 finest cells from synthetic microdata, then:
- the baseline: each table protected on its own, then audited together (it may fail);
- joint protection of all four tables and its independent audit;
- an annual release protected against a published half-year release;
- a children release shaped like the observatory's (sector, multi-valued; form; gender x age
  band; citizenship x unaccompanied; a Eurostat-style sex x age x citizenship x form table).
Prints cells, withheld cells, audit verdicts and seconds, and the joint/naive time ratio.

``--methods`` compares the protection methods on the children release at a small yearly volume
(default 400 situations): suppression (the baseline), random rounding to base 3 (Statistics New
Zealand's RR3, one independent draw per cell), cell-key perturbation, and differential privacy
(OpenDP, epsilon 1 per table, when installed). Per method: share of cells published, mean
absolute error of the published cells, and the attack (exact recovery of a protected value, a
count from 1 to 9, from every published cell; for suppression, the independent recovery attack).

    .venv/bin/python benchmarks/disclosure.py --methods [--situations 400] [--seeds 3]
"""

from __future__ import annotations

import argparse
import random
import time

from balise.disclosure import (
    Dimension,
    DisclosureRules,
    ReleaseTables,
    TableSpec,
    attack_release,
    build_release,
    protect_and_attack,
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


SECTORS = ["police", "youth_aid", "health", "education", "ngo", "justice"]
FORMS = ["sexual", "labour", "begging", "criminality", "domestic", "marriage", "other"]
CITIZENSHIPS = ["BE", "EU", "non_EU", "unknown"]


def _children_release(n: int, seed: int) -> ReleaseTables:
    ages = [str(a) for a in range(18)]
    bands = {"0-4": ages[:5], "5-11": ages[5:12], "12-17": ages[12:]}
    year = {"year": frozenset({"2025"})}
    d = {
        "sector": Dimension.flat("sector", SECTORS, multi_valued=True),
        "form": Dimension.flat("form", FORMS),
        "gender": Dimension.flat("gender", ["F", "M", "X"]),
        "age": Dimension.grouped("age_group", bands, variable="age"),
        "citizenship": Dimension.flat("citizenship_group", CITIZENSHIPS),
        "unaccompanied": Dimension.flat("unaccompanied", ["yes", "no"]),
        "e_sex": Dimension.grouped("sex", {"F": ["F"], "M": ["M"], "U": ["X"]}, variable="gender"),
        "e_child": Dimension.grouped("child", {"child": ages}, variable="age"),
        "e_form": Dimension.grouped(
            "eurostat_form",
            {
                "sexual": ["sexual"],
                "labour": ["labour", "domestic"],
                "other": FORMS[2:4] + FORMS[5:],
            },
            variable="form",
        ),
    }
    specs = [
        TableSpec("children_by_sector", "children", (d["sector"],), scope=year),
        TableSpec("children_by_form", "children", (d["form"],), scope=year),
        TableSpec("children_by_gender_age", "children", (d["gender"], d["age"]), scope=year),
        TableSpec(
            "children_by_citizenship",
            "children",
            (d["citizenship"], d["unaccompanied"]),
            scope=year,
        ),
        TableSpec(
            "eurostat_thb",
            "children",
            (d["e_sex"], d["e_child"], d["citizenship"], d["e_form"]),
            scope=year,
        ),
    ]
    return build_release(specs, _children_rows(n, seed), metadata={"id": "2025"})


def _children_rows(n: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    ages = [str(a) for a in range(18)]
    return [
        {
            "child": rng.randrange(max(1, n * 3 // 4)),
            "sector": rng.choice(SECTORS),
            "form": rng.choices(FORMS, [6, 3, 1, 2, 1, 1, 1])[0],
            "gender": rng.choices(["F", "M", "X"], [6, 4, 0.2])[0],
            "age": rng.choice(ages),
            "citizenship_group": rng.choices(CITIZENSHIPS, [3, 2, 4, 1])[0],
            "unaccompanied": rng.choice(["yes", "no"]),
            "year": "2025",
        }
        for _ in range(n)
    ]


def _naive(release: ReleaseTables) -> ReleaseTables:
    tables = tuple(
        protect_release(ReleaseTables(metadata={}, tables=(t,), rules=release.rules)).tables[0]
        for t in release.tables
    )
    return ReleaseTables(metadata=release.metadata, tables=tables, rules=release.rules)


def _rr3(value: int, rng: random.Random) -> int:
    """Unbiased random rounding to a multiple of 3 (17 -> 15 with p 1/3, 18 with p 2/3)."""
    low = value - value % 3
    return low if value % 3 == 0 or rng.random() >= (value % 3) / 3 else low + 3


def _methods(situations: int, seeds: int) -> None:
    from balise.disclosure import PTable, attack_perturbed, perturb_release

    ptable = PTable.build(max_noise=4, variance=2.0, never_published=2)
    print(f"methods on the children release, {situations} situations, {seeds} seeds:")
    for seed in range(1, seeds + 1):
        release = _children_release(situations, seed)
        specs = [t.spec for t in release.tables]
        rng = random.Random(seed)
        rows = [
            {**row, "record": index} for index, row in enumerate(_children_rows(situations, seed))
        ]
        cells = release.cell_count
        small = sum(1 for t in release.tables for v in t.values.values() if v and 1 <= v < 10)

        started = time.perf_counter()
        protected, report = protect_and_attack(release)
        seconds = time.perf_counter() - started
        determined = sum(1 for c in report.cells if c.lower == c.upper)
        print(
            f"  seed {seed} suppression: published {1 - protected.suppressed_count / cells:.0%} "
            f"of {cells} cells ({small} small), error 0, audit "
            f"{'passes' if report.passed else 'FAILS'} ({determined} withheld cells determined), "
            f"{seconds:.1f} s"
        )

        started = time.perf_counter()
        rounded = {
            t.name: {k: _rr3(int(v or 0), rng) for k, v in t.values.items()} for t in release.tables
        }
        error = sum(
            abs(rounded[t.name][k] - int(v or 0))
            for t in release.tables
            for k, v in t.values.items()
        )
        attack = attack_perturbed(release.tables, rounded, lambda r: (max(0, r - 2), r + 2))
        seconds = time.perf_counter() - started
        print(
            f"  seed {seed} RR3 (baseline noise): published 100%, mean absolute error "
            f"{error / cells:.2f}, attack recovers {len(attack.protected_recovered)} of "
            f"{attack.protected_cells} small counts ({len(attack.recovered)} cells in all), "
            f"{seconds:.1f} s"
        )

        started = time.perf_counter()
        perturbed = perturb_release(specs, rows, secret=f"bench-{seed}".encode(), ptable=ptable)
        attack = attack_perturbed(perturbed.true.tables, perturbed.published, ptable.origins)
        seconds = time.perf_counter() - started
        print(
            f"  seed {seed} cell key: published 100%, mean absolute error "
            f"{perturbed.mean_absolute_error:.2f} ({perturbed.changed_share:.0%} of cells "
            f"changed), attack recovers {len(attack.protected_recovered)} of "
            f"{attack.protected_cells} small counts ({len(attack.recovered)} cells in all), "
            f"{seconds:.1f} s"
        )

        from balise.disclosure.dp import PrivacyLedger, dp_available, dp_release

        if dp_available():
            noisy = dp_release(
                specs, rows, epsilon=1.0, ledger=PrivacyLedger(), release_id=f"bench-{seed}"
            )
            truth = {t.name: t.values for t in release.tables}
            errors = [
                abs(v - int(truth[t.spec.name][k] or 0))
                for t in noisy.tables
                for k, v in t.values.items()
            ]
            print(
                f"  seed {seed} differential privacy (epsilon 1 per table): published 100%, mean "
                f"absolute error {sum(errors) / len(errors):.2f}, attack n/a (fresh noise; the "
                f"guarantee is epsilon, {len(specs)} tables spend {len(specs)})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--situations", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--methods", action="store_true", help="compare protection methods")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    if args.methods:
        _methods(args.situations if args.situations != 1500 else 400, args.seeds)
        return
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
    naive_report = attack_release(naive)
    naive_seconds = time.perf_counter() - started
    print(
        f"baseline (each table alone): {naive.suppressed_count} withheld, audit "
        f"{'passes' if naive_report.passed else 'FAILS'} ({len(naive_report.failures)} cells), "
        f"{naive_seconds:.2f} s"
    )

    started = time.perf_counter()
    joint, report = protect_and_attack(annual)
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
    against, report = protect_and_attack(annual, earlier=[earlier])
    seconds = time.perf_counter() - started
    ignoring = attack_release(joint, earlier=[earlier])
    print(
        f"annual against the published half-year: {against.suppressed_count} withheld, audit "
        f"{'passes' if report.passed else 'FAILS'}, {seconds:.2f} s; the annual release "
        f"protected without it {'passes' if ignoring.passed else 'FAILS'} "
        f"({len(ignoring.failures)} cells)"
    )

    children = _children_release(args.situations, args.seed)
    space = FinestSpace([t.spec for t in children.tables])
    full = FinestSpace([t.spec for t in children.tables], decompose=False)
    started = time.perf_counter()
    protected, report = protect_and_attack(children)
    seconds = time.perf_counter() - started
    print(
        f"children release (sector multi-valued): {children.cell_count} cells, finest cells "
        f"{space.size} in {len(space.components)} blocks (one product: {full.size}); "
        f"{protected.suppressed_count} withheld, audit {'passes' if report.passed else 'FAILS'} "
        f"(audit {report.seconds:.2f} s), {seconds:.2f} s"
    )


if __name__ == "__main__":
    main()

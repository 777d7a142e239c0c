"""Keyless attacks on the stored encodings (issue 11): how many names a database thief recovers.

    .venv/bin/python benchmarks/encoding_attack.py [--children 3000] [--seeds 1,2]
        [--spec all|1|2] [--background population|register] [--attacks frequency,patterns,...]

For each seed, a generated set is encoded under a fresh random secret with each spec version;
the attacker gets the stolen copy (ids, encodings, situation facts), the public spec and the
background (an independent generated population of the same size, or one organisation's own
register: the attacked set's police records), never the secret. Printed per attack and spec
version, side by side: the share of records whose first name, last name and both were recovered
(normalised words equal), sex and birth-year accuracy, runtime; then the best per record over all
attacks, and the baselines that need no encoding (majority class, facts alone).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from balise.linkage import spec as specs
from balise.linkage.attack import ATTACKS, run_suite
from balise.linkage.attack.evaluate import (
    Score,
    baselines,
    combined,
    score,
    token_pattern_recovery,
)
from balise.linkage.attack.scenario import BACKGROUNDS, make_scenario
from balise.linkage.secret import new_secret


def _versions(choice: str) -> list[specs.EncodingSpec]:
    available = dict(sorted(specs.SPECS.items()))
    if choice == "all":
        return list(available.values())
    version = int(choice)
    if version not in available:
        raise SystemExit(f"spec v{version} is not in balise.linkage.spec yet")
    return [available[version]]


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{100 * value:5.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--spec", default="all", help="1, 2 or all")
    parser.add_argument("--background", choices=BACKGROUNDS, default="population")
    parser.add_argument("--attacks", default=",".join(ATTACKS))
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="also print how well the correlation attack recovers the commonest bigrams",
    )
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    versions = _versions(args.spec)
    attacks = args.attacks.split(",")
    # rows[(attack, version)] -> list of (Score, seconds) over seeds
    rows: dict[tuple[str, int], list[tuple[Score, float]]] = defaultdict(list)
    order: list[str] = []
    for seed in seeds:
        for spec in versions:
            scenario = make_scenario(
                children=args.children,
                seed=seed,
                secret=new_secret(),
                spec=spec,
                background=args.background,
            )
            started = time.perf_counter()
            results = run_suite(scenario.copy, scenario.background, attacks)
            total = time.perf_counter() - started
            for result in results:
                if result.name not in order:
                    order.append(result.name)
                rows[(result.name, spec.version)].append(
                    (score(result.guesses, scenario.truth), result.seconds)
                )
            rows[("best per record", spec.version)].append(
                (combined(results, scenario.truth), total)
            )
            base = baselines(scenario.copy.facts, scenario.truth)
            rows[("baseline: majority class", spec.version)].append(
                (Score(0, 0, 0, base.sex_base_rate, base.year_base_rate), 0.0)
            )
            rows[("baseline: facts alone", spec.version)].append(
                (Score(0, 0, 0, base.sex_from_facts, base.year_from_facts), 0.0)
            )
            print(
                f"seed {seed}, spec v{spec.version}: {len(scenario.copy)} records, background "
                f"{args.background} of {scenario.background.records} records, {total:.0f} s"
            )
            for result in results:
                if result.details:
                    said = ", ".join(f"{k} {v:.0f}" for k, v in result.details.items())
                    print(f"  {result.name}: {said}")
            if args.diagnose:
                recovered, chance = token_pattern_recovery(scenario.copy, scenario.truth)
                print(
                    f"  ICA vs the 30 commonest bigrams: mean best Jaccard {recovered:.2f} "
                    f"(shuffled: {chance:.2f})"
                )
    order += ["best per record", "baseline: majority class", "baseline: facts alone"]
    heading = " | ".join(f"v{s.version}: first  last  both   sex  year     s" for s in versions)
    print(f"\n{args.children} children, seeds {args.seeds}, background {args.background}")
    print(f"{'attack (% of records)':34} | {heading}")
    for name in order:
        cells = []
        for spec in versions:
            found = rows.get((name, spec.version), [])
            if not found:
                cells.append(" " * 41)
                continue
            mean = _mean([s for s, _ in found])
            seconds = sum(t for _, t in found) / len(found)
            cells.append(
                f"{_pct(mean.first)} {_pct(mean.last)} {_pct(mean.both)} {_pct(mean.sex)} "
                f"{_pct(mean.birth_year)} {seconds:5.0f}"
            )
        print(f"{name:34} | " + " | ".join(cells))
    print("\nbaseline ratio: v2 both-names share / v1 both-names share, best per record:", end=" ")
    v1, v2 = rows.get(("best per record", 1)), rows.get(("best per record", 2))
    if v1 and v2:
        a, b = _mean([s for s, _ in v1]).both, _mean([s for s, _ in v2]).both
        print(f"{b / a:.3f}" if a else "n/a")
    else:
        print("n/a (one version only)")


def _mean(scores: list[Score]) -> Score:
    def avg(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) / len(known) if known else None

    return Score(
        sum(s.first for s in scores) / len(scores),
        sum(s.last for s in scores) / len(scores),
        sum(s.both for s in scores) / len(scores),
        avg([s.sex for s in scores]),
        avg([s.birth_year for s in scores]),
    )


if __name__ == "__main__":
    main()

"""First `balise dedupe` on a machine: with an empty numba cache, and after the install's warm-up.

Each case runs in a fresh, empty NUMBA_CACHE_DIR, as a new process, like a person's first run:
  cold    `balise dedupe` compiles every kernel it needs, then works;
  warmed  `python -m balise.linkage.warm` (what `make install`, the image build and
          `balise linkage warm` run), then `balise dedupe`.
Prints the seconds of each and the ratio. Usage: python benchmarks/linkage_cold_start.py [CHILDREN]
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from balise.linkage.synthetic import make_records

BIN = Path(sys.executable).parent


def _timed(command: list[str], cache: Path) -> float:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    children = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    folder = Path(tempfile.mkdtemp(prefix="balise-cold-"))
    identities = folder / "identities.csv"
    records = make_records(children, seed=3)
    with identities.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["record_id", "first_name", "last_name", "birth_date", "sex"])
        for r in records:
            writer.writerow([r.record_id, r.first_name, r.last_name, r.birth_date, r.sex])
    balise = str(BIN / "balise")
    secret, encoded = folder / "secret", folder / "encoded.csv"
    subprocess.run([balise, "secret", "new", "--output", str(secret)], check=True)
    subprocess.run(
        [
            balise,
            "encode",
            "--secret",
            str(secret),
            "--input",
            str(identities),
            "--output",
            str(encoded),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    dedupe = [balise, "dedupe", "--input", str(encoded), "--output", str(folder / "c.csv")]
    cold = _timed(dedupe, folder / "cache-cold")
    warm_up = _timed([sys.executable, "-m", "balise.linkage.warm"], folder / "cache-warm")
    warmed = _timed(dedupe, folder / "cache-warm")
    again = _timed(dedupe, folder / "cache-cold")
    print(f"balise dedupe of {len(records)} records ({children} children), new processes:")
    print(f"  first run, empty cache (baseline)    {cold:7.1f} s")
    print(f"  install-time warm-up                 {warm_up:7.1f} s  (paid once, at install)")
    print(f"  first run after the warm-up          {warmed:7.1f} s  ({cold / warmed:.1f}x faster)")
    print(f"  second run after the cold one        {again:7.1f} s  (same cache, for reference)")


if __name__ == "__main__":
    main()

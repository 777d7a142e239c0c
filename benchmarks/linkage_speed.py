"""Linkage speed: all-pairs Dice against anonlink, encode rate, end-to-end `balise dedupe`.

    .venv/bin/python benchmarks/linkage_speed.py [--records 1000000] [--pairs-side 20000]

The end-to-end run writes a synthetic identity CSV, encodes it with `balise encode` and dedupes
it with `balise dedupe` in subprocesses, and reports wall time and peak memory of each.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from balise.linkage.encode import Encoder
from balise.linkage.kernels import dice_all_pairs
from balise.linkage.secret import new_secret
from balise.linkage.synthetic import make_records

BALISE = [sys.executable, "-m", "balise.cli.main"]


def encoded_words(n_records: int, seed: int) -> np.ndarray[Any, Any]:
    records = make_records(n_records // 2 + 1, seed=seed)[:n_records]
    encoder = Encoder(new_secret())
    raw = b"".join(
        encoder.encode_bytes(r.first_name, r.last_name, r.birth_date, r.sex) for r in records
    )
    return np.frombuffer(raw, dtype=np.uint64).reshape(len(records), -1).copy()


def all_pairs(side: int, threshold: float) -> None:
    import numba

    a, b = encoded_words(side, 1), encoded_words(side, 2)
    dice_all_pairs(a[:10], b[:10], threshold)  # compile outside the timing
    pairs = side * side
    threads = numba.get_num_threads()
    timings = {}
    for used in sorted({1, threads}):
        numba.set_num_threads(used)
        started = time.perf_counter()
        left, _right, _value = dice_all_pairs(a, b, threshold)
        timings[used] = time.perf_counter() - started
        print(f"all-pairs Dice {side}x{side}, 1024 bits, >= {threshold}, {used} thread(s): "
              f"balise {pairs / timings[used] / 1e6:,.0f} M pairs/s ({timings[used]:.2f}s, "
              f"{len(left)} pairs)")  # fmt: skip
    numba.set_num_threads(threads)
    ours = timings[threads]
    try:
        import anonlink  # type: ignore[import-untyped]  # no stubs, bench only
        from bitarray import bitarray
    except ImportError:
        print("  anonlink anchor skipped: install the bench extra")
        return

    def to_bitarrays(words: np.ndarray[Any, Any]) -> list[bitarray]:
        out = []
        for row in words:
            bits = bitarray()
            bits.frombytes(row.tobytes())
            out.append(bits)
        return out

    clks_a, clks_b = to_bitarrays(a), to_bitarrays(b)
    started = time.perf_counter()
    result = anonlink.similarities.dice_coefficient_accelerated([clks_a, clks_b], threshold)
    theirs = time.perf_counter() - started
    print(f"  anonlink dice_coefficient_accelerated: {pairs / theirs / 1e6:,.0f} M pairs/s "
          f"({theirs:.2f}s, {len(result[0])} pairs, one thread); ratio {theirs / ours:.1f}x "
          f"({theirs / timings[1]:.1f}x thread for thread)")  # fmt: skip


def encode_rate(n_records: int) -> None:
    records = make_records(n_records // 2 + 1, seed=3)[:n_records]
    encoder = Encoder(new_secret())
    started = time.perf_counter()
    for r in records:
        encoder.encode(r.first_name, r.last_name, r.birth_date, r.sex)
    elapsed = time.perf_counter() - started
    print(f"encode (in process, {len(records)} records): {len(records) / elapsed:,.0f} records/s")


def _run(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(args, check=True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def end_to_end(n_records: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "identities.csv"
        started = time.perf_counter()
        with source.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(["record_id", "first_name", "last_name", "birth_date", "sex"])
            records = make_records(int(n_records / 2.1) + 1, seed=5)[:n_records]
            for r in records:
                writer.writerow([r.record_id, r.first_name, r.last_name, r.birth_date, r.sex])
        print(f"generated {len(records)} records in {time.perf_counter() - started:.1f}s")
        del records
        subprocess.run([*BALISE, "secret", "new", "--output", str(root / "s.json")], check=True)
        seconds, peak = _run(
            [*BALISE, "encode", "--secret", str(root / "s.json"), "--input", str(source),
             "--output", str(root / "encoded.csv")]
        )  # fmt: skip
        print(f"balise encode: {seconds:.1f}s ({n_records / seconds:,.0f} records/s, "
              f"including CSV I/O), peak {peak:,.0f} MiB")  # fmt: skip
        seconds, peak = _run(
            [*BALISE, "dedupe", "--input", str(root / "encoded.csv"),
             "--output", str(root / "clusters.csv")]
        )  # fmt: skip
        print(f"balise dedupe: {seconds:.1f}s for {n_records} records, peak {peak:,.0f} MiB "
              "(peak of any child process so far)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--pairs-side", type=int, default=20_000)
    parser.add_argument("--threshold", type=float, default=0.8)
    args = parser.parse_args()
    all_pairs(args.pairs_side, args.threshold)
    encode_rate(min(args.records, 200_000))
    end_to_end(args.records)


if __name__ == "__main__":
    main()

"""Cost of keeping identity encodings encrypted at rest, per encoding.

    .venv/bin/python benchmarks/encodings_at_rest.py [--encodings 50000]

Times, over N random encodings of the current spec's length: sealing (AES-256-GCM and the salted
digest, what every write does), opening (what the linkage run does for every situation), and the
digest check (what a re-import does for every row that carries an encoding). The baseline, in the
same process, is decoding the same base64 texts, which is what the linkage run did per situation
before encryption; the ratio says how much the run's reading step grew.
"""

from __future__ import annotations

import argparse
import base64
import random
import time
from collections.abc import Callable

from _django import setup


def timed(label: str, work: Callable[[], object], count: int, baseline: float | None) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    ratio = f"  x{seconds / baseline:.1f} baseline" if baseline else ""
    print(f"{label:<34} {seconds:7.3f} s  {seconds / count * 1e6:6.2f} µs/encoding{ratio}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encodings", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup("balise-bench-")
    from balise.linkage.spec import CURRENT
    from balise.situations.encodings import matches, open_sealed, seal

    rng = random.Random(args.seed)
    n = args.encodings
    texts = [base64.b64encode(rng.randbytes(CURRENT.total_bytes)).decode() for _ in range(n)]
    label = {"organisation_id": 1, "version": str(CURRENT.version), "key_id": "0123456789abcdef"}
    print(f"{n} encodings of {CURRENT.total_bytes} bytes (spec version {CURRENT.version})")
    base = timed("baseline: base64 decode", lambda: [base64.b64decode(t) for t in texts], n, None)
    sealed: list[tuple[bytes, bytes]] = []
    timed(
        "seal (encrypt + salted digest)",
        lambda: sealed.extend(seal(t, **label) for t in texts),
        n,
        base,
    )
    timed("open (linkage run)", lambda: [open_sealed(b, **label) for b, _ in sealed], n, base)
    pairs = list(zip(sealed, texts, strict=True))
    timed("digest check (re-import)", lambda: [matches(d, t) for (_, d), t in pairs], n, base)
    blob, digest = sealed[0]
    print(
        f"stored per encoding: {len(blob)} + {len(digest)} bytes "
        f"(the plain base64 text was {len(texts[0])})"
    )


if __name__ == "__main__":
    main()

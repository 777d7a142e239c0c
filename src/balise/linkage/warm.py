"""Compile every linkage kernel into numba's on-disk cache before anyone waits for it.

The kernels are compiled on first use and cached (``cache=True``: next to the sources, or in
``NUMBA_CACHE_DIR``). A cold first ``balise dedupe`` or linkage run would pay the compilation in
front of the user; ``make install``, the container image and ``balise linkage warm`` run
:func:`warm_kernels` instead. It deduplicates a few synthetic records of every spec version through
both paths (all pairs and MinHash blocking) with the children interval, so that every kernel and
signature the real runs use is compiled. Run ``python -m balise.linkage.warm``: no Django.
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass

WARM_CHILDREN = 40


@dataclass(frozen=True)
class WarmResult:
    seconds: float
    versions: tuple[int, ...]
    records: int


def warm_kernels(children: int = WARM_CHILDREN) -> WarmResult:
    """Run the dedupe pipeline on a small synthetic set of every spec version; timed."""
    started = time.perf_counter()
    # Imported here: importing the kernels' modules loads (or compiles) nothing yet, but the
    # timing should include everything a first run pays.
    from balise.linkage.dedupe import DedupeParams, dedupe_words, words_from_base64
    from balise.linkage.encode import Encoder
    from balise.linkage.secret import NetworkSecret
    from balise.linkage.spec import SPECS
    from balise.linkage.synthetic import make_records

    records = make_records(children, seed=7)
    secret = NetworkSecret(hashlib.sha256(b"balise-warm-up").digest())
    exhaustive = DedupeParams()
    blocked = DedupeParams(exhaustive_up_to=0)  # the MinHash/bit-sampling path of large inputs
    for spec in SPECS.values():
        encoder = Encoder(secret, spec)
        texts = [encoder.encode(r.first_name, r.last_name, r.birth_date, r.sex) for r in records]
        words = words_from_base64(texts, spec)
        for params in (exhaustive, blocked):
            dedupe_words(words, params, interval=True, spec=spec)
    return WarmResult(time.perf_counter() - started, tuple(SPECS), len(records))


def main() -> int:
    result = warm_kernels()
    versions = ", ".join(f"v{v}" for v in result.versions)
    print(  # noqa: T201 - a command's summary
        f"linkage kernels ready: {result.records} synthetic records per spec version "
        f"({versions}) in {result.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

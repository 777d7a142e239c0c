"""Pairwise precision, recall, F1 and unique-count error of a clustering against ground truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    f1: float
    true_count: int
    found_count: int

    @property
    def count_error(self) -> float:
        """Relative error of the unique-children count (+0.05 = 5% too many)."""
        return (self.found_count - self.true_count) / self.true_count


def _pairs_within(labels: Sequence[Any]) -> int:
    return sum(size * (size - 1) // 2 for size in Counter(labels).values())


def pairwise_quality(truth: Sequence[Any], found: Sequence[Any]) -> Quality:
    """Pairs of records put together by both, by truth only, by `found` only."""
    if len(truth) != len(found):
        raise ValueError("truth and found must label the same records")
    together = _pairs_within(list(zip(truth, found, strict=True)))
    true_pairs = _pairs_within(truth)
    found_pairs = _pairs_within(found)
    precision = together / found_pairs if found_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(precision, recall, f1, len(set(truth)), len(set(found)))


def pair_keys(left: np.ndarray[Any, Any], right: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    low = np.minimum(left, right).astype(np.int64)
    high = np.maximum(left, right).astype(np.int64)
    return np.unique(low * 4294967296 + high)

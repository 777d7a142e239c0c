"""Type aliases shared by every module of ``balise.disclosure`` (one place, as in anonlink)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias

#: The code written in a cell for a margin (total) on a dimension.
MARGIN: Final = "*"

#: A code of a dimension's code list, or of a microdata variable.
Code: TypeAlias = str

#: A cell of a table: one code (or ``MARGIN``) per dimension, in the table's dimension order.
CellKey: TypeAlias = tuple[str, ...]

#: What a table counts: children (linkage clusters, each counted once per cell) or situations.
Unit: TypeAlias = Literal["children", "situations"]

#: One microdata record: variable name -> code. A child's multi-valued variable (the sectors that
#: know the child) may hold several codes.
Row: TypeAlias = Mapping[str, Any]

#: Why a cell is withheld. Reasons are internal: they are never published, because telling
#: primary from secondary cells would point an attacker at the small counts.
SuppressionReason: TypeAlias = Literal["threshold", "zero", "class", "secondary", "unknown"]

#: How the cost of withholding a cell is weighed when choosing complementary suppressions.
CostModel: TypeAlias = Literal["value", "cells"]

#: A JSON object as produced by ``json.loads``.
JSONObject: TypeAlias = dict[str, Any]

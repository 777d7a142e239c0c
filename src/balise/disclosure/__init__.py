"""Statistical disclosure control for Balise releases (framework-free: numpy, scipy).

Pipeline: describe tables (``Dimension``, ``TableSpec``) -> tabulate microdata
(``build_release``) -> withhold cells (``protect_release``, against earlier releases too) ->
attack the result independently (``attack_release``) -> publish (``release_to_json``).
Cell-key perturbation (``perturb_release``: every cell published with bounded, consistent noise)
is the other protection, attacked by ``attack_perturbed``; differential privacy with OpenDP is an
optional third in ``balise.disclosure.dp``.
"""

from balise.disclosure.build import build_release, build_table, child_records
from balise.disclosure.cellkey import (
    PerturbedRelease,
    PTable,
    perturb_release,
    perturbed_release_to_json,
)
from balise.disclosure.coarsen import CoarseningOption, suggest_coarsening
from balise.disclosure.jsonio import release_from_json, release_to_json
from balise.disclosure.model import (
    DEFAULT_THRESHOLD,
    CountTable,
    Dimension,
    DisclosureRules,
    InconsistentReleaseError,
    ReleaseTables,
    TableSpec,
)
from balise.disclosure.primary import class_disclosures, primary_suppressions
from balise.disclosure.recovery import (
    CellRecovery,
    ClassRecovery,
    PerturbationRecovery,
    RecoveryReport,
    attack_perturbed,
    attack_release,
)
from balise.disclosure.secondary import (
    protect_and_attack,
    protect_release,
    secondary_suppression,
)
from balise.disclosure.types import MARGIN

__all__ = [
    "DEFAULT_THRESHOLD",
    "MARGIN",
    "CellRecovery",
    "ClassRecovery",
    "CoarseningOption",
    "CountTable",
    "Dimension",
    "DisclosureRules",
    "InconsistentReleaseError",
    "PTable",
    "PerturbationRecovery",
    "PerturbedRelease",
    "RecoveryReport",
    "ReleaseTables",
    "TableSpec",
    "attack_perturbed",
    "attack_release",
    "build_release",
    "build_table",
    "child_records",
    "class_disclosures",
    "perturb_release",
    "perturbed_release_to_json",
    "primary_suppressions",
    "protect_and_attack",
    "protect_release",
    "release_from_json",
    "release_to_json",
    "secondary_suppression",
    "suggest_coarsening",
]

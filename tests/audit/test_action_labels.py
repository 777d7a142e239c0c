"""Every audit action the code writes reads as words in the administrators' log browser (and
in their language), not as its code: a new action without a label fails here."""

from __future__ import annotations

import re
from pathlib import Path

from balise.audit.labels import ACTION_LABELS
from balise.training.services import TRANSITIONS

SRC = Path(__file__).resolve().parents[2] / "src" / "balise"
WRITTEN = re.compile(
    r'(?:record_event|record_read|_audit)\(\s*"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"'
)


def _actions_in_code() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found.update(WRITTEN.findall(path.read_text(encoding="utf-8")))
    # Written through an f-string: one action per staff transition of a registration.
    found.update(f"training.registration_{action}" for action in TRANSITIONS)
    return found


def test_it_finds_the_actions_it_checks() -> None:
    actions = _actions_in_code()
    assert {"audit.verified", "publication.published", "training.purge"} <= actions


def test_every_action_has_a_label() -> None:
    missing = sorted(_actions_in_code() - set(ACTION_LABELS))
    assert not missing, f"add these to balise/audit/labels.py (and translate them): {missing}"

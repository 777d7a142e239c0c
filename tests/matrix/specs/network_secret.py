"""Access specs of the network secret pages (administrators; stewards and the key custodian)."""

from __future__ import annotations

from typing import Any

from balise.network.models import KeyCustodian, NetworkKey
from tests.conftest import Personas
from tests.matrix.harness import ADMINS, STEWARDS, UrlSpec
from tests.network.wrapping import wrapped_json


def _publish(p: Personas) -> dict[str, Any]:
    KeyCustodian.objects.get_or_create(user=p.steward_a)
    return {"key_id": "0123456789abcdef"}


def _wrap(p: Personas) -> dict[str, Any]:
    # A steward wraps for their own organisation (no custodian needed).
    key, _created = NetworkKey.objects.get_or_create(key_id="fedcba9876543210")
    return {"organisation": p.org_a.pk, "wrapped": wrapped_json(key.key_id)}


SPECS = [
    UrlSpec(
        "network:secret_admin",
        {"GET": ADMINS, "POST": ADMINS},
        data=lambda p: {"user": p.steward_a.pk, "action": "appoint"},
    ),
    UrlSpec("network:secret_custodian", {"GET": STEWARDS}),
    UrlSpec("network:secret_publish", {"POST": STEWARDS}, data=_publish),
    UrlSpec("network:secret_wrap", {"POST": STEWARDS}, data=_wrap),
]

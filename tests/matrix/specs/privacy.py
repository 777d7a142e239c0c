"""Access spec of the device-secret page (on-device encoding): organisation members, GET only."""

from __future__ import annotations

from tests.matrix.harness import ORG_MEMBERS, UrlSpec

SPECS = [UrlSpec("situations:device_secret", {"GET": ORG_MEMBERS})]

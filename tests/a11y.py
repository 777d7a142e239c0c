"""Accessibility checks for browser tests: run axe-core in the page and fail on serious findings.

Usage in a Playwright test::

    from tests.a11y import assert_no_serious_axe_violations
    assert_no_serious_axe_violations(page)

axe-core is vendored in ``tests/vendor/axe.min.js`` (see the README there) and evaluated through
the DevTools protocol, which the page's Content-Security-Policy does not block, so the app needs
no exception for it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_PATH = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@cache
def _axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(page: Page, *, impacts: frozenset[str] = BLOCKING_IMPACTS) -> list[Any]:
    """axe-core's violations on the current page whose impact is in ``impacts``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        """async () => await window.axe.run(document, {
            resultTypes: ["violations"],
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                             "best-practice"]},
        })"""
    )
    return [v for v in results["violations"] if v.get("impact") in impacts]


def describe(violations: list[Any]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(
            f"{violation['impact']}: {violation['id']} — {violation['help']} "
            f"({len(violation['nodes'])} nodes, e.g. {targets})"
        )
    return "\n".join(lines)


def assert_no_serious_axe_violations(page: Page) -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"

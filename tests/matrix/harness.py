"""The role × organisation access matrix: every URL of the project, every persona, every method.

A spec (``UrlSpec``) per URL name says which personas may use which methods, and how to build the
URL for an object of the personas' own organisation (org A) and of another one (org B). From it the
harness derives what each request must answer:

- a method the URL does not accept: 405, for everyone (method checks come first);
- anonymous, not public: a redirect to the sign-in page;
- signed in without the second factor, not public: a redirect to the MFA step;
- signed in without the role: 403, and an ``authz.denied`` audit event;
- allowed, own organisation's object: 2xx or 3xx;
- allowed, another organisation's object: 404 (nothing is guessable).
A 2xx page seen signed in must also carry ``Cache-Control: no-store``.

Specs live in ``tests/matrix/specs/<app>.py`` (found automatically); see docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import Personas

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

ANONYMOUS = "anonymous"
# Signed-in personas, each an attribute of tests.conftest.Personas; org A is their organisation.
PERSONA_ATTRIBUTES = {
    "recorder": "recorder_a",
    "steward": "steward_a",
    "analyst": "analyst",
    "editor": "editor",
    "admin": "admin",
    "loner": "loner",  # signed in, no organisation, no platform role
}
SIGNED_IN = frozenset(PERSONA_ATTRIBUTES)
# The administrator, signed in with their password but not (yet) their second factor: every page
# that is not public answers with the MFA step, except the pages that list this persona.
UNVERIFIED = "unverified"
EVERYONE = SIGNED_IN | {ANONYMOUS, UNVERIFIED}
ORG_MEMBERS = frozenset({"recorder", "steward"})
STEWARDS = frozenset({"steward"})
ANALYSTS = frozenset({"analyst"})
EDITORS = frozenset({"editor"})
ADMINS = frozenset({"admin"})
# Personas that belong to an organisation: they are outsiders to org B's objects.
IN_ORGANISATION = ORG_MEMBERS

Build = Callable[[Personas], Mapping[str, Any]]


@dataclass(frozen=True)
class UrlSpec:
    """Who may call one named URL, and how to build it."""

    name: str
    allow: Mapping[str, frozenset[str]]  # method -> personas allowed (ANONYMOUS = public)
    kwargs: Build | None = None  # URL kwargs for an object of org A (the personas' own)
    other_kwargs: Build | None = None  # the same kind of object in org B: outsiders get 404
    data: Build | None = None  # body for allowed POST/PUT/PATCH requests
    # Exceptions to the derived expectation, "METHOD persona" -> status, each with a reason.
    special: Mapping[str, int] = field(default_factory=dict)
    reason: str = ""

    def __post_init__(self) -> None:
        unknown = {m for m in self.allow if m not in METHODS}
        assert not unknown, f"{self.name}: unknown methods {unknown}"
        for method, personas in self.allow.items():
            strangers = personas - EVERYONE
            assert not strangers, f"{self.name} {method}: unknown personas {strangers}"
        if self.special:
            assert self.reason, f"{self.name}: special expectations need a reason"


@dataclass(frozen=True)
class Cell:
    """One request of the matrix: a method, a persona, and whose object the URL names."""

    method: str
    persona: str
    target: str  # "own" (org A's object, or no object) or "other" (org B's object)

    def __str__(self) -> str:
        return f"{self.method} {self.persona}{' other-org' if self.target == 'other' else ''}"


def named_patterns() -> Iterator[tuple[str | None, str]]:
    """(namespaced name, route) of every URL pattern the project serves."""

    def walk(
        patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None
    ) -> Iterator[tuple[str | None, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, route, inner)
            elif pattern.name is None:
                yield None, route
            else:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route

    yield from walk(get_resolver().url_patterns, "/", None)


def cells(spec: UrlSpec) -> list[Cell]:
    """Every request the matrix sends for ``spec``: all methods, all personas, both targets."""
    found = []
    for method in METHODS:
        allowed = spec.allow.get(method, frozenset())
        for persona in sorted(EVERYONE):
            found.append(Cell(method, persona, "own"))
            if spec.other_kwargs and persona in allowed and persona in IN_ORGANISATION:
                found.append(Cell(method, persona, "other"))
    return found


def expected_status(spec: UrlSpec, cell: Cell) -> str:
    """What the cell must answer: "2xx/3xx", "login", "mfa", or a status code as text."""
    if cell.method not in spec.allow:
        return "405"
    special = spec.special.get(f"{cell.method} {cell.persona}")
    if special is not None and cell.target == "own":
        return str(special)
    allowed = cell.persona in spec.allow[cell.method]
    if cell.persona == ANONYMOUS:
        return "2xx/3xx" if allowed else "login"
    if cell.persona == UNVERIFIED:
        return "2xx/3xx" if allowed else "mfa"
    if not allowed:
        return "403"
    return "404" if cell.target == "other" else "2xx/3xx"

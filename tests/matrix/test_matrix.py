"""The access matrix over every URL of the project (harness: tests/matrix/harness.py).

One test per URL name sends every method as every persona, for an object of the persona's own
organisation and, where the URL names one, of another organisation. Each request runs inside a
savepoint that is rolled back, so no request sees another's side effects. See docs/testing.md.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import LazySettings
from django.conf import settings as project_settings
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from balise.audit.models import AuditEvent
from tests.conftest import Personas, login_verified
from tests.matrix.harness import (
    ANONYMOUS,
    PERSONA_ATTRIBUTES,
    UNVERIFIED,
    Cell,
    UrlSpec,
    cells,
    expected_status,
    named_patterns,
)
from tests.matrix.specs import KNOWN_GAPS, PENDING, SPECS

# URLs the matrix leaves out are listed, with a reason, in specs/pending.py; the count shows here.
SPEC_LIST = sorted(SPECS.values(), key=lambda spec: spec.name)


def test_it_has_a_spec_for_every_url() -> None:
    patterns = list(named_patterns())
    unnamed = [route for name, route in patterns if name is None]
    assert not unnamed, f"every URL pattern needs a name (the matrix refers to it): {unnamed}"
    missing = sorted(
        f"{name} ({route})" for name, route in patterns if name not in SPECS and name not in PENDING
    )
    assert not missing, f"URLs without an access spec (add them in tests/matrix/specs/): {missing}"


def test_it_has_no_spec_for_a_url_that_does_not_exist() -> None:
    names = {name for name, _ in named_patterns()}
    assert not (set(SPECS) - names), f"specs for unknown URLs: {sorted(set(SPECS) - names)}"
    assert not (set(PENDING) - names), f"pending unknown URLs: {sorted(set(PENDING) - names)}"
    gaps = {key.split(" ")[0] for key in KNOWN_GAPS}
    assert not (gaps - set(SPECS)), f"known gaps of unknown URLs: {sorted(gaps - set(SPECS))}"


def _send(client: Client, method: str, url: str, data: dict[str, Any]) -> HttpResponseBase:
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data)
    sender = getattr(client, method.lower())
    return sender(url, data, content_type="application/json")  # type: ignore[no-any-return]


def _sessions(personas: Personas) -> dict[str, SimpleCookie]:
    """One signed-in, MFA-verified session per persona, reused (as a copy) by every request."""
    cookies = {ANONYMOUS: SimpleCookie()}
    for persona, attribute in PERSONA_ATTRIBUTES.items():
        client = login_verified(Client(), getattr(personas, attribute))
        cookies[persona] = client.cookies
    unverified = Client()
    unverified.force_login(personas.admin)  # password only: no second factor in the session
    cookies[UNVERIFIED] = unverified.cookies
    return cookies


def _check(
    spec: UrlSpec, cell: Cell, personas: Personas, sessions: dict[str, SimpleCookie]
) -> str | None:
    """Send one request (rolled back afterwards); a description of what is wrong, or None."""
    with transaction.atomic():
        build = spec.other_kwargs if cell.target == "other" else spec.kwargs
        url = reverse(spec.name, kwargs=dict(build(personas)) if build else {})
        data = dict(spec.data(personas)) if spec.data and cell.method in spec.allow else {}
        client = Client()
        client.cookies = SimpleCookie(sessions[cell.persona])
        denied_before = AuditEvent.objects.filter(action="authz.denied").count()
        response = _send(client, cell.method, url, data)
        denied = AuditEvent.objects.filter(action="authz.denied").count() - denied_before
        transaction.set_rollback(True)
    expected = expected_status(spec, cell)
    status = response.status_code
    location = response.get("Location", "")
    got = f"{status}{' -> ' + location if location else ''}"
    if expected == "2xx/3xx":
        ok = 200 <= status < 400
    elif expected == "login":
        ok = status == 302 and location.startswith(reverse(project_settings.LOGIN_URL))
    elif expected == "mfa":
        ok = status == 302 and location.startswith(reverse("accounts:mfa_verify"))
    else:
        ok = str(status) == expected
    if ok and expected == "403" and denied != 1:
        return f"{cell}: 403 as expected, but the refusal was not audited (authz.denied)"
    signed_in = cell.persona != ANONYMOUS
    if (
        ok
        and signed_in
        and 200 <= status < 300
        and "no-store" not in response.get("Cache-Control", "")
    ):
        return f"{cell}: a page seen signed in must be sent with Cache-Control: no-store"
    return None if ok else f"{cell}: expected {expected}, got {got}"


@pytest.mark.django_db
@pytest.mark.parametrize("spec", SPEC_LIST, ids=[spec.name for spec in SPEC_LIST])
def test_it_enforces_access(spec: UrlSpec, personas: Personas, settings: LazySettings) -> None:
    settings.REQUIRE_MFA = True  # as in production, whatever the environment running the tests
    problems = []
    fixed = []
    sessions = _sessions(personas)
    for cell in cells(spec):
        problem = _check(spec, cell, personas, sessions)
        gap = KNOWN_GAPS.get(f"{spec.name} {cell.method}")
        if gap is None and problem:
            problems.append(problem)
        elif gap is not None and problem is None:
            fixed.append(f"{cell}: passes now; remove '{spec.name} {cell.method}' from KNOWN_GAPS")
    assert not problems, f"{spec.name}:\n" + "\n".join(problems)
    assert not fixed, f"{spec.name}:\n" + "\n".join(fixed)

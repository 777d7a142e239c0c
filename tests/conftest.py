"""Shared fixtures: personas per role and organisation, and a signed-in, MFA-verified client."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from django.conf import LazySettings, settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp import models as otp_totp_models
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from balise.accounts.models import (
    Authenticator,
    Organisation,
    OrgRole,
    PlatformRole,
    Region,
    Sector,
    User,
)

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _language_isolated() -> Iterator[None]:
    """Code run outside a request speaks English (the msgids) in every test, whatever language
    an earlier test's request left active on the thread (LocaleMiddleware never resets it)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Rate-limit counts kept in the (per-process) cache never carry over from another test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_hashing(settings: LazySettings) -> None:
    # Argon2 is deliberately slow; tests that check hashing itself switch it back on.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _mail_at_once(settings: LazySettings) -> None:
    """The outbox delivers as soon as a mail is queued (through Django's test backend, or the
    ``smtp_server`` fixture's server): tests read what left without running the jobs runner."""
    settings.BALISE_MAIL_SYNC = True
    settings.BALISE_MAIL_RATE_PER_MINUTE = 0


@dataclass
class SmtpServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    port: int
    messages: list[EmailMessage]
    envelopes: list[Envelope]
    refuse: list[str]  # replies given to the next DATA commands instead of accepting them


class _KeepingHandler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: object, _session: object, envelope: Envelope) -> str:
        if self.server.refuse:
            return self.server.refuse.pop(0)
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        self.server.envelopes.append(envelope)
        self.server.messages.append(BytesParser(policy=email_policy.default).parsebytes(content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: LazySettings) -> Iterator[SmtpServer]:
    """Point Django's SMTP backend at a local aiosmtpd server; its ``messages`` are parsed
    (headers, parts, attachments) with the standard library's email package."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SmtpServer(port=port, messages=[], envelopes=[], refuse=[])
    controller = Controller(_KeepingHandler(server), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _publication_files(settings: LazySettings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Publication PDFs (balise.publications) go to a temporary folder, never to var/."""
    settings.BALISE_PUBLICATIONS_DIR = tmp_path_factory.mktemp("publications")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the network; loopback (live server, PostgreSQL) is fine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        local = {"127.0.0.1", "localhost", "::1"}
        if isinstance(host, str) and host not in local and not host.startswith("/"):
            raise RuntimeError(f"tests must not reach the network ({host})")
        real_connect(self, address)  # type: ignore[arg-type]  # address as given

    monkeypatch.setattr(socket.socket, "connect", guarded)


class OtpClock:
    """django-otp's clock in tests: a fixed instant that only the test moves on.

    TOTP codes change every 30 seconds; a code computed from the wall clock and checked a moment
    later falls in another time step whenever the window turns in between (and django-otp then
    records a drift that refuses the next code). Frozen, every code is the one the server expects.
    """

    STEP = 30  # django-otp's default, the one Balise's devices use

    def __init__(self) -> None:
        self.now = 1_800_000_015.0  # the middle of a time step, far from a boundary

    def time(self) -> float:
        return self.now

    def advance(self, steps: int = 1) -> None:
        self.now += steps * self.STEP


@pytest.fixture(autouse=True)
def otp_clock(monkeypatch: pytest.MonkeyPatch) -> OtpClock:
    """Freeze the clock TOTP verification reads (also in the live server's thread)."""
    clock = OtpClock()
    # django-otp's TOTPDevice reads ``time.time()`` through its module's ``time`` name.
    monkeypatch.setattr(otp_totp_models, "time", clock)
    return clock


@dataclass
class Personas:
    org_a: Organisation
    org_b: Organisation
    recorder_a: User
    steward_a: User
    recorder_b: User
    steward_b: User
    analyst: User
    editor: User
    admin: User
    loner: User  # signed in, no organisation and no platform role


def make_user(email: str, **fields: object) -> User:
    return User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0], **fields)


@pytest.fixture
def personas(db: None) -> Personas:
    org_a = Organisation.objects.create(
        name="Zone de police Alpha", sector=Sector.POLICE, region=Region.BRUSSELS
    )
    org_b = Organisation.objects.create(
        name="SAJ Bravo", sector=Sector.YOUTH_AID, region=Region.WALLONIA
    )
    return Personas(
        org_a=org_a,
        org_b=org_b,
        recorder_a=make_user(
            "recorder.a@example.org", organisation=org_a, org_role=OrgRole.RECORDER
        ),
        steward_a=make_user("steward.a@example.org", organisation=org_a, org_role=OrgRole.STEWARD),
        recorder_b=make_user(
            "recorder.b@example.org", organisation=org_b, org_role=OrgRole.RECORDER
        ),
        steward_b=make_user("steward.b@example.org", organisation=org_b, org_role=OrgRole.STEWARD),
        analyst=make_user("analyst@example.org", platform_role=PlatformRole.ANALYST),
        editor=make_user("editor@example.org", platform_role=PlatformRole.EDITOR),
        admin=make_user("admin@example.org", platform_role=PlatformRole.ADMIN),
        loner=make_user("loner@example.org"),
    )


def login_verified(client: Client, user: User) -> Client:
    """Sign ``user`` in as if they had passed their TOTP step."""
    device, _ = Authenticator.objects.get_or_create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def browser_sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    """Give the browser a signed-in, MFA-verified session for ``user``, and no other.

    The page leaves for about:blank first: a request of an earlier page still in flight could
    otherwise set the previous user's session cookie again after this one is added.
    """
    page.goto("about:blank")
    page.context.clear_cookies()
    client = login_verified(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.fixture
def signed_in(client: Client) -> object:
    def _sign_in(user: User) -> Client:
        return login_verified(client, user)

    return _sign_in


# --- Browser tests: Playwright driving Debian's Chromium against pytest-django's live server ---

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Chromium per test process; tests get fresh contexts from it."""
    # Playwright's sync API runs an event loop; Django must allow sync DB calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser page (French locale); ``live_server.url`` is the site's address."""
    context = chromium.new_context(locale="fr-BE")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()

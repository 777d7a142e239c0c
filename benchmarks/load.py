"""Load figures: Balise under gunicorn, N concurrent clients on the main pages.

Builds a demo database (SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set, e.g.
under `scripts/with_postgres.py`), then serves it two ways on free ports, one after the other:

  baseline  gunicorn with 1 worker (one request at a time)
  workers   gunicorn with --workers (default: the production default, (2 x cores) + 1)

and, for each page, sends requests from CLIENTS threads for SECONDS seconds: the home page, the
public statistics, the sign-in page, and a recorder's situation list (signed in, one session per
client; demo settings, so no second factor). Prints requests/s, p50/p95/p99 latency and errors
per page and server, and the ratio workers / baseline. Not a test: figures depend on the machine
and its load.

Usage: python benchmarks/load.py [--clients 8] [--seconds 8] [--situations 500] [--workers N]
       python scripts/with_postgres.py -- python benchmarks/load.py   (PostgreSQL)
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from balise.gunicorn_conf import default_workers

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
RECORDER = "police.recorder1@balise.test"
# The demo's published password (balise.network...demo.DEMO_PASSWORD; importing it needs Django).
DEMO_PASSWORD = "demo-balise-2026"  # noqa: S105 - published on purpose, demo settings only
# name: (path, signed in as the recorder)
PAGES = {
    "home": ("/", False),
    "statistics": ("/statistics/", False),
    "sign-in page": ("/accounts/login/", False),
    "situations (recorder)": ("/situations/", True),
}


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def line(self, name: str) -> str:
        done = len(self.latencies)
        if not done:
            return f"  {name:24} no answer ({self.errors} errors)"
        ordered = sorted(self.latencies)

        def pct(q: float) -> float:
            return 1000 * ordered[min(done - 1, int(q * done))]

        rate = done / self.seconds
        errors = 100 * self.errors / (done + self.errors)
        return (
            f"  {name:24} {rate:7.1f} req/s  p50 {pct(0.50):6.0f} ms  p95 {pct(0.95):6.0f} ms  "
            f"p99 {pct(0.99):6.0f} ms  errors {errors:4.1f}%  ({done} requests)"
        )

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("BALISE_SQLITE_PATH", str(folder / "load.sqlite3"))
    env.update(
        BALISE_VAR_DIR=str(folder),
        BALISE_DEMO="1",  # demo logins without a second factor; production settings refuse it
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="balise.settings",
        # The sign-in page is hit thousands of times from one address: no lockout involved (GET).
    )
    return env


def _balise(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "balise"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def _server(env: dict[str, str], workers: int) -> Iterator[int]:
    port = _free_port()
    server_env = {**env, "BALISE_BIND": f"127.0.0.1:{port}", "BALISE_WEB_WORKERS": str(workers)}
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--config", "python:balise.gunicorn_conf", "balise.wsgi"],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        for path, _signed_in in PAGES.values():  # each worker's first request loads templates
            for _ in range(workers):
                _get(port, path)
        yield port
    finally:
        process.terminate()
        process.wait()


def _get(port: int, path: str, cookie: str = "") -> tuple[int, bytes, list[tuple[str, str]]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        connection.close()


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key] = rest.split(";", 1)[0]
    return found


def _sign_in(port: int) -> str:
    """A recorder's session cookie, through the sign-in form like a browser."""
    status, body, headers = _get(port, "/accounts/login/")
    jar = _cookies(headers)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert status == 200
    assert match
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/accounts/login/",
            body=urlencode(
                {
                    "csrfmiddlewaretoken": match.group(1).decode(),
                    "username": RECORDER,
                    "password": DEMO_PASSWORD,
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                "Referer": f"http://127.0.0.1:{port}/accounts/login/",
            },
        )
        response = connection.getresponse()
        response.read()
        if response.status != 302:
            raise SystemExit(f"sign-in refused ({response.status})")
        jar.update(_cookies(response.getheaders()))
    finally:
        connection.close()
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _load(port: int, path: str, cookies: list[str], clients: int, seconds: float) -> Figures:
    """``clients`` threads; thread i sends ``cookies[i]`` (its own session) when given."""
    figures = Figures()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(cookie: str) -> None:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                status = _get(port, path, cookie)[0]
            except OSError:
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    figures.latencies.append(elapsed)
                else:
                    figures.errors += 1

    threads = [
        threading.Thread(target=client, args=(cookies[i] if cookies else "",))
        for i in range(clients)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.seconds = time.perf_counter() - began
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--situations", type=int, default=500)
    parser.add_argument("--workers", type=int, default=default_workers(os.cpu_count()))
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="balise-load-"))
    env = _env(folder)
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    started = time.perf_counter()
    _balise(env, "migrate", "--no-input")
    _balise(env, "demo", "--at-least", str(options.situations), "--seed", "1")
    print(  # the demo network, its situations
        f"demo database on {database}: {options.situations} situations "
        f"({time.perf_counter() - started:.0f} s to build); {os.cpu_count()} CPU cores, "
        f"load average {os.getloadavg()[0]:.1f}; {options.clients} clients, "
        f"{options.seconds:.0f} s per page"
    )
    results: dict[str, dict[str, Figures]] = {}
    for label, workers in (
        ("baseline: 1 worker", 1),
        (f"{options.workers} workers", options.workers),
    ):
        with _server(env, workers) as port:
            # One session per client, as for different people: a session is written at every
            # request (its idle timeout moves), so one shared session would queue them all.
            sessions = [_sign_in(port) for _ in range(options.clients)]
            print(f"gunicorn, {label}:")
            results[label] = {}
            for name, (path, signed_in) in PAGES.items():
                figures = _load(
                    port, path, sessions if signed_in else [], options.clients, options.seconds
                )
                results[label][name] = figures
                print(figures.line(name), flush=True)
    baseline, scaled = results.values()
    print(f"ratio {options.workers} workers / 1 worker (requests/s):")
    for name in PAGES:
        ratio = scaled[name].rate / baseline[name].rate if baseline[name].rate else float("nan")
        print(f"  {name:24} {ratio:5.2f}x")


if __name__ == "__main__":
    main()

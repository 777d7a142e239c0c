"""Gunicorn settings for Balise in production.

``gunicorn --config python:balise.gunicorn_conf balise.wsgi``, read from the environment like the
rest of the settings (docs/deployment.md). Chosen for one server behind a TLS-terminating reverse
proxy: several synchronous workers, a timeout above the slowest page (the detection aid's PDF,
1-5 s; inline imports of up to 2 000 rows), and the proxy trusted for ``X-Forwarded-Proto`` only at
the addresses named in ``FORWARDED_ALLOW_IPS``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from balise.env import env_int, env_list, env_str

_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def default_workers(cpus: int | None) -> int:
    """Gunicorn's rule of thumb, (2 x cores) + 1, capped: each worker holds numpy, numba, SciPy
    and WeasyPrint (about 150 MB)."""
    return min(2 * max(1, cpus or 1) + 1, 9)


def proxy_warnings(env: Mapping[str, str]) -> list[str]:
    """What is inconsistent between the proxy settings of gunicorn and of the app."""
    warnings = []
    proxies = int(env.get("BALISE_PROXY_COUNT", "0") or 0)
    allowed = [ip.strip() for ip in env.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",")]
    production = env.get("BALISE_ENV", "development") == "production"
    if production and proxies == 0:
        warnings.append(
            "BALISE_PROXY_COUNT is 0: behind a reverse proxy every client has the proxy's "
            "address, so one person's failed sign-ins lock out everybody (set it to the number "
            "of proxies in front of Balise)"
        )
    if proxies > 0 and "*" in allowed:
        warnings.append(
            "FORWARDED_ALLOW_IPS='*' trusts X-Forwarded-Proto from any client that reaches "
            "gunicorn: name the proxy's address instead"
        )
    if proxies > 0 and set(allowed) <= _LOOPBACK and not _binds_loopback(env):
        warnings.append(
            "gunicorn listens beyond the loopback but trusts forwarded headers from 127.0.0.1 "
            "only: set FORWARDED_ALLOW_IPS to the proxy's address"
        )
    return warnings


def _binds_loopback(env: Mapping[str, str]) -> bool:
    for address in env.get("BALISE_BIND", "127.0.0.1:8000").split(","):
        host = address.strip().rsplit(":", 1)[0].strip("[]")
        if address.startswith("unix:"):
            continue
        if host not in _LOOPBACK:
            return False
    return True


bind = env_list("BALISE_BIND", ["127.0.0.1:8000"])
workers = env_int("BALISE_WEB_WORKERS", default_workers(os.cpu_count()))
worker_class = "sync"
# A worker silent for this long is killed and replaced (the PDF summary takes up to 5 s).
timeout = env_int("BALISE_WEB_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that no slow leak grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files on tmpfs: a worker on a slow disk is not taken for dead (Docker's /var/lib).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The addresses allowed to say the request came over HTTPS (the proxy), and the one header that
# Django's SECURE_PROXY_SSL_HEADER reads too, so the two agree.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
# The control socket (gunicorn >= 25) would be created in the service user's home: not needed.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "info").lower()
# The request id (balise.core.middleware) ties an access line to the app's log and audit events.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'

# Several web workers each with their own job threads would multiply the bound on concurrent jobs:
# under gunicorn, jobs are left to `balise jobs work` unless the operator says otherwise.
os.environ.setdefault("BALISE_JOBS_RUNNER", "worker")


def on_starting(server: object) -> None:
    for message in proxy_warnings(os.environ):
        logging.getLogger("gunicorn.error").warning("balise: %s", message)

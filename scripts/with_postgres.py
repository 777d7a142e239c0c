"""Run a command against a throwaway PostgreSQL cluster: initdb + pg_ctl in a temp folder.

Usage: python scripts/with_postgres.py -- COMMAND [ARGS...]
The cluster listens on a free loopback port, DATABASE_URL points at it for the command, and the
folder is removed afterwards whatever the command's outcome. As root, the server runs as the
`postgres` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def _pg_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = shutil.which(name)
    if candidates:
        return candidates[0]
    if found:
        return found
    sys.exit(f"{name} not found: install PostgreSQL server binaries (scripts/system-deps.sh)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.exit("usage: with_postgres.py -- COMMAND [ARGS...]")
    command = argv[argv.index("--") + 1 :]
    as_root = os.geteuid() == 0
    runas: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="balise-pg-"))
    if as_root:
        pg_user = pwd.getpwnam("postgres")
        os.chown(folder, pg_user.pw_uid, pg_user.pw_gid)
        runas = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        subprocess.run(
            [
                *runas,
                _pg_bin("initdb"),
                "-D",
                str(data),
                "-U",
                "balise",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        subprocess.run(
            [
                *runas,
                _pg_bin("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-w",
                "-o",
                f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        url = f"postgres://balise@127.0.0.1:{port}/postgres"
        print(f"PostgreSQL test cluster on port {port}", flush=True)
        result = subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=False)
        return result.returncode
    finally:
        subprocess.run(
            [*runas, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""A real PostgreSQL for tests: Debian's server in a temporary directory on a loopback port, one per test
session, a fresh database per test. `make test` installs `postgresql` with apt-get when it is missing.
As root (CI, this machine) the server runs as the `postgres` user, since PostgreSQL refuses root."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

BINARIES = "/usr/lib/postgresql/*/bin"


def _tool(name: str) -> str:
    found = sorted(glob.glob(f"{BINARIES}/{name}")) or [shutil.which(name) or ""]
    assert found[-1], f"needs Debian's postgresql for {name}: apt-get install postgresql (make test does it)"
    return found[-1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The server's base URL (no database), up for the whole test session."""
    # not under pytest's temporary root: as root that is closed to the postgres user
    root = Path(tempfile.mkdtemp(prefix="recagent-postgres-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(_as_server_user([_tool("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                    "-E", "UTF8", "--no-sync"]), **run)  # fmt: skip
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = _tool("pg_ctl")
    subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"),
                                    "-w", "-t", "60", "start"]), **run)  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), **run)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the test server."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return f"{postgres_server}/{name}"

"""A real, throwaway PostgreSQL server for the ledger's tests (no mocks).

The ledger promises to work on PostgreSQL as well as SQLite, and the differences that matter (NUMERIC
precision, transactional DDL, concurrent writers) only show on a real server. So the session starts one from
the PostgreSQL binaries in a temporary directory, on a free port, and every test gets its own empty database.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import warnings
from glob import glob
from pathlib import Path
from typing import NamedTuple

import psycopg
import pytest

from tests.conftest import RUBRICS, SAMPLES, run

USER = "bideval"  # the superuser initdb creates; trust authentication, so no password


class PostgresServer(NamedTuple):
    url: str  # postgresql+psycopg://bideval@127.0.0.1:PORT/ (append a database name)
    port: int


class ServerUnavailable(Exception):
    """The server could not be started; the message says why."""


def _binaries() -> Path:
    """The directory holding initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/*/bin.

    Debian and Ubuntu install the server binaries there without putting them on PATH.
    """
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(pg_ctl).parent
    found = glob("/usr/lib/postgresql/*/bin/pg_ctl")
    candidates = [Path(p).parent for p in found if Path(p).with_name("initdb").exists()]
    if not candidates:
        raise ServerUnavailable(
            "PostgreSQL server binaries not found: no initdb and pg_ctl on PATH or in /usr/lib/postgresql/*/bin "
            "(install Debian's `postgresql` package, as .ci/run does)"
        )
    return max(candidates, key=lambda d: [int(n) for n in re.findall(r"\d+", d.parent.name)] or [0])


def _as_server_user() -> list[str]:
    """The command prefix that runs a server command as an unprivileged user.

    PostgreSQL refuses to run as root, so when the tests run as root (containers, CI) every server command
    runs as the `postgres` system user, which the temporary directory is handed to.
    """
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(_as_server_user() + argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _start(base: Path) -> PostgresServer:
    """initdb and start a server in `base`; raises ServerUnavailable with the reason and the log's tail."""
    bindir = _binaries()
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise ServerUnavailable("running as root but `runuser` is missing (PostgreSQL refuses to run as root)")
        shutil.chown(base, user="postgres", group="postgres")
    data, log = base / "data", base / "server.log"
    done = _run(
        [str(bindir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
        cwd=base,
    )
    if done.returncode != 0:
        raise ServerUnavailable(f"initdb failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    port = _free_port()
    options = f"-p {port} -k {shlex.quote(str(base))} -c listen_addresses=127.0.0.1 -F -c fsync=off"
    done = _run(
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"], cwd=base
    )
    if done.returncode != 0:
        raise ServerUnavailable(
            f"pg_ctl start failed (exit {done.returncode}):\n{done.stdout}{done.stderr}\n"
            f"--- tail of the server log ---\n{_tail(log)}"
        )
    return PostgresServer(url=f"postgresql+psycopg://{USER}@127.0.0.1:{port}/", port=port)


def _stop(base: Path) -> None:
    """Stop the server if one was started (immediate: the data is thrown away anyway)."""
    data = base / "data"
    if (data / "postmaster.pid").exists():
        _run([str(_binaries() / "pg_ctl"), "-D", str(data), "stop", "-m", "immediate"], cwd=base)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole session; yields PostgresServer(url, port).

    If it cannot be started the ledger's PostgreSQL tests must not pass silently: under CI (CI is set) they
    fail; elsewhere they are skipped with the reason, also shown as a warning in pytest's summary.
    """
    base = Path(tempfile.mkdtemp(prefix="bideval-pg-"))
    try:
        try:
            server, reason = _start(base), ""
        except (ServerUnavailable, OSError, subprocess.SubprocessError) as exc:
            server, reason = None, f"cannot start a throwaway PostgreSQL server for the ledger tests: {exc}"
        if server is None:
            if os.environ.get("CI"):
                pytest.fail(reason, pytrace=False)
            reason += "\nSKIPPING the PostgreSQL ledger tests here; under CI (CI=true) they would FAIL."
            warnings.warn(reason, stacklevel=1)
            pytest.skip(reason)
        yield server
    finally:
        try:
            _stop(base)
        finally:
            shutil.rmtree(base, ignore_errors=True)


_numbers = itertools.count(1)


def _admin(server: PostgresServer, sql: str) -> None:
    """Run a statement on the `postgres` database; CREATE/DROP DATABASE cannot run inside a transaction."""
    with psycopg.connect(host="127.0.0.1", port=server.port, user=USER, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def postgres_url_factory(postgres_server):
    """Call it to get the SQLAlchemy URL of a new, empty database; all of them are dropped after the test."""
    names: list[str] = []

    def create() -> str:
        name = f"ledger_{next(_numbers)}"
        _admin(postgres_server, f'CREATE DATABASE "{name}"')
        names.append(name)
        return postgres_server.url + name

    yield create
    for name in names:
        _admin(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # even if a test left connections


@pytest.fixture
def postgres_url(postgres_url_factory) -> str:
    """A fresh, empty database for this test: postgresql+psycopg://bideval@127.0.0.1:PORT/ledger_N"""
    return postgres_url_factory()


# --- the bundled samples' archives, made once for the session ---------------------------------

SAMPLE_IDS = sorted(p.stem for p in RUBRICS.glob("*.yaml") if (SAMPLES / p.stem).is_dir())


@pytest.fixture(scope="session")
def sample_archives(tmp_path_factory) -> dict[str, Path]:
    """sample id → the archive `bideval evaluate --archive` writes for it (every bundled sample)."""
    folder = tmp_path_factory.mktemp("archives")
    archives = {}
    for sample in SAMPLE_IDS:
        out = folder / sample
        result = run("evaluate", RUBRICS / f"{sample}.yaml", SAMPLES / sample, "--out", out, "--archive")
        assert result.exit_code == 0, result.output
        archives[sample] = out / "archive.zip"
    return archives


@pytest.fixture(scope="session")
def checked_samples(sample_archives):
    """Each sample archive verified and turned into rows once (`ledger add` does this per archive)."""
    from bideval.ledger.add import check_archive

    checked = [check_archive(path, None) for path in sample_archives.values()]
    assert all(c.head is not None for c in checked), [c.refused for c in checked]
    return checked


# --- a ledger on either database ------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_url(request, tmp_path) -> str:
    """A new, empty ledger's URL: a SQLite file, then a database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def filled(url: str, checked):
    """The ledger at `url` with every checked archive stored."""
    from bideval.ledger.add import store
    from bideval.ledger.database import open_ledger

    engine = open_ledger(url)
    for c in checked:
        assert store(engine, c.head, c.rows)
    return engine


def counts(engine) -> dict[str, int]:
    """Rows per ledger table."""
    import sqlalchemy as sa

    from bideval.ledger.schema import TABLES

    with engine.connect() as connection:
        return {t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in TABLES}

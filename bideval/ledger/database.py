"""Opening a ledger: which database, how its transactions lock, and bringing its tables up to date.

The default is a SQLite file in the current folder (`bideval-ledger.sqlite3`, or `$BIDEVAL_DB`), so
one person needs nothing else; an agency points everyone at one server with a SQLAlchemy URL
(`postgresql+psycopg://user@host/db`). A database an older bideval made is migrated on first use,
a SQLite file after a copy of it is kept beside it.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bideval.errors import InputError, Problem

DEFAULT_FILE = "bideval-ledger.sqlite3"
ENVIRONMENT = "BIDEVAL_DB"
VERSION_TABLE = "bideval_ledger_version"  # not alembic_version: a shared database may hold other applications
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK_KEY = 0x62696465  # PostgreSQL advisory lock taken while migrating ("bide")


def ledger_url(given: str | None) -> str:
    """--db, else $BIDEVAL_DB, else the default file; a plain path means a SQLite file."""
    text = given or os.environ.get(ENVIRONMENT) or DEFAULT_FILE
    return text if "://" in text else f"sqlite:///{text}"


def shown(url: str) -> str:
    """The URL as messages print it: never its password."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def open_ledger(url: str, migrations: Path = MIGRATIONS) -> Engine:
    """An engine on the ledger at `url`, its tables migrated to the newest revision. Raises
    InputError naming the database when it cannot be opened."""
    engine = _engine(url)
    try:
        migrate(engine, migrations)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise InputError([Problem(shown(url), 0, 0, f"cannot open the ledger: {_first_line(exc)}")]) from None
    return engine


def _engine(url: str) -> Engine:
    try:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return sa.create_engine(parsed)
    except sa.exc.ArgumentError as exc:
        raise InputError([Problem(url, 0, 0, f"not a database URL: {exc}")]) from None
    except (sa.exc.NoSuchModuleError, ModuleNotFoundError) as exc:
        hint = " (install bideval[postgresql] for PostgreSQL)" if url.startswith("postgresql") else ""
        raise InputError([Problem(shown(url), 0, 0, f"no driver for this database: {exc}{hint}")]) from None


def _sqlite_engine(url: sa.URL) -> Engine:
    """SQLite that takes the write lock when a transaction begins (BEGIN IMMEDIATE) and waits up to a
    minute for it: two processes adding at once queue instead of failing half-way."""
    if url.database and url.database != ":memory:":
        folder = Path(url.database).parent
        if not folder.is_dir():
            raise InputError([Problem(url.database, 0, 0, f"no folder {folder} for the ledger file")])
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # the driver's own deferred BEGIN is replaced by the one below
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine, migrations: Path = MIGRATIONS) -> str | None:
    """Bring the tables to the newest revision under a lock (one process migrates, the others then
    find it done). Returns the revision the database had before, when it had to move."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.begin() as connection:  # SQLite: BEGIN IMMEDIATE already holds the write lock
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        current = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
        if current == head:
            return None
        if current is not None:
            _backup(connection, current)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return current


def _backup(connection: Connection, revision: str) -> Path | None:
    """Copy a SQLite ledger before migrating it: `<file>.before-<revision>` (numbered if taken).
    A server's backups are its administrator's (pg_dump), so nothing is copied there."""
    database = connection.engine.url.database
    if connection.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    target, n = Path(f"{database}.before-{revision}"), 1
    while target.exists():
        n += 1
        target = Path(f"{database}.before-{revision}-{n}")
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # reads under a shared lock, which our write lock still allows
    return target


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__

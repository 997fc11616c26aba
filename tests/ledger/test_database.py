"""Opening a ledger: which database, migrations (and the SQLite backup before one), and two processes
adding the same archive at once — on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bideval.ledger.add import store
from bideval.ledger.database import MIGRATIONS, VERSION_TABLE, ledger_url, open_ledger, shown
from bideval.ledger.schema import metadata
from tests.conftest import ROOT
from tests.ledger.conftest import counts


def test_the_default_ledger_is_a_sqlite_file_here_or_bideval_db(monkeypatch):
    monkeypatch.delenv("BIDEVAL_DB", raising=False)
    assert ledger_url(None) == "sqlite:///bideval-ledger.sqlite3"
    assert ledger_url("books/2025.sqlite3") == "sqlite:///books/2025.sqlite3"
    monkeypatch.setenv("BIDEVAL_DB", "postgresql+psycopg://agency@db.example/ledger")
    assert ledger_url(None) == "postgresql+psycopg://agency@db.example/ledger"
    assert ledger_url("other.sqlite3") == "sqlite:///other.sqlite3"  # --db wins


def test_messages_never_show_a_password():
    assert shown("postgresql+psycopg://agency:s3cret@db.example/ledger") == "postgresql+psycopg://agency:***@db.example/ledger"


def test_the_migrated_tables_are_the_schemas(backend_url):
    """Alembic's revisions and bideval.ledger.schema describe the same tables, on either database."""
    engine = open_ledger(backend_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, metadata) == []
    engine.dispose()


def test_an_older_sqlite_ledger_is_copied_then_migrated(tmp_path, checked_samples):
    """A ledger at revision 0001 opened by a bideval whose migrations go one further (a revision made
    here, adding a column): the file is first copied beside itself, then migrated, its rows kept."""
    newer = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "0002_note.py").write_text(
        '"""A note per evaluation."""\nimport sqlalchemy as sa\nfrom alembic import op\n\n'
        'revision = "0002"\ndown_revision = "0001"\nbranch_labels = None\ndepends_on = None\n\n\n'
        'def upgrade():\n    with op.batch_alter_table("evaluations") as batch:\n'
        '        batch.add_column(sa.Column("note", sa.Text))\n\n\n'
        'def downgrade():\n    with op.batch_alter_table("evaluations") as batch:\n        batch.drop_column("note")\n',
        encoding="utf-8",
    )  # fmt: skip
    file = tmp_path / "ledger.sqlite3"
    engine = open_ledger(f"sqlite:///{file}")
    assert store(engine, checked_samples[0].head, checked_samples[0].rows)
    before = counts(engine)
    engine.dispose()
    engine = open_ledger(f"sqlite:///{file}", newer)
    backup = tmp_path / "ledger.sqlite3.before-0001"
    with sqlite3.connect(backup) as old:
        assert old.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall() == [("0001",)]
        assert "note" not in {row[1] for row in old.execute("PRAGMA table_info(evaluations)")}
        assert old.execute("SELECT count(*) FROM scores").fetchone()[0] == before["scores"]
    assert counts(engine) == before
    assert "note" in {c["name"] for c in sa.inspect(engine).get_columns("evaluations")}
    engine.dispose()
    open_ledger(f"sqlite:///{file}", newer).dispose()  # up to date: nothing copied again
    assert sorted(p.name for p in tmp_path.glob("ledger.sqlite3*")) == ["ledger.sqlite3", "ledger.sqlite3.before-0001"]


def test_an_unreachable_database_is_an_error_naming_it(tmp_path):
    from bideval.errors import InputError

    with pytest.raises(InputError) as raised:
        open_ledger("postgresql+psycopg://nobody:pw@127.0.0.1:1/none")
    message = str(raised.value.problems[0])
    assert "cannot open the ledger" in message and "pw" not in message
    with pytest.raises(InputError) as raised:
        open_ledger(f"sqlite:///{tmp_path / 'missing' / 'ledger.sqlite3'}")
    assert "no folder" in str(raised.value.problems[0])


def test_two_processes_adding_the_same_archive_leave_one_copy(backend_url, sample_archives):
    """Both start on a new, empty database at once (both migrate it, both verify): one adds the
    evaluation, the other finds it added and changes nothing."""
    archive = sample_archives["kr-negotiated-80-20"]
    command = [sys.executable, "-m", "bideval", "ledger", "add", str(archive), "--db", backend_url, "--jobs", "1"]
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True) for _ in range(2)]  # fmt: skip
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    summaries = sorted(re.search(r"\d+ added, \d+ already there", " ".join(o.split())).group() for o in outputs)
    assert summaries == ["0 added, 1 already there", "1 added, 0 already there"], outputs
    engine = open_ledger(backend_url)
    assert counts(engine)["evaluations"] == 1
    engine.dispose()


def test_nothing_is_written_for_a_refused_archive_nor_a_failing_transaction(tmp_path, checked_samples):
    """A row the database rejects half-way through an evaluation's rows rolls the whole evaluation back."""
    engine = open_ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    head, rows = checked_samples[0].head, checked_samples[0].rows
    broken = {**rows, "scores": rows["scores"] + rows["scores"][:1]}  # a duplicate primary key, last of all
    with pytest.raises(sa.exc.IntegrityError):
        store(engine, head, broken)
    assert set(counts(engine).values()) == {0}
    assert store(engine, head, rows)
    engine.dispose()


def test_the_package_ships_its_migrations():
    assert (MIGRATIONS / "env.py").is_file() and list((MIGRATIONS / "versions").glob("0001_*.py"))
    assert Path(ROOT, "pyproject.toml").read_text().count("ledger/migrations") >= 2

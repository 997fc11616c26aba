"""`bideval ledger add`: verify archives, then keep each one's evaluation, one transaction apiece.

An archive is verified exactly as `bideval verify` does (hashes, signature with --pubkey, re-run,
decision compared); one that does not verify is refused with the reason and nothing is written for
it. What is stored is read from the results.json the re-run produced, which verification proved
gives the archived decision, so archives of every version are stored in one shape.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bideval.ledger.records import Archived, Rows, evaluation_rows
from bideval.ledger.schema import TABLES, evaluations


@dataclass(frozen=True)
class Outcome:
    """What became of one archive: added, present (already in the ledger: nothing done), refused."""

    archive: str
    status: str
    detail: str


@dataclass(frozen=True)
class Checked:
    """A verified archive's rows, or why it was refused (head is None)."""

    archive: str
    head: dict | None
    rows: Rows | None
    refused: str = ""


def manifest_digest(path: Path) -> str:
    """The archive's key in the ledger: the SHA-256 of its manifest.json, which lists every member's hash.
    Raises InputError for a file that is not a readable archive."""
    from bideval.audit.archive import MANIFEST
    from bideval.audit.zipfiles import read_members
    from bideval.errors import InputError, Problem

    members = read_members(path)
    if MANIFEST not in members:
        raise InputError([Problem(str(path), 0, 0, f"no {MANIFEST}: not a bideval archive")])
    return hashlib.sha256(members[MANIFEST]).hexdigest()


def check_archive(path: Path, pubkey: Path | None) -> Checked:
    """Verify `path` and, when it verifies, turn its evaluation into rows (runs in a worker)."""
    from bideval.audit.archive import MANIFEST, read_run
    from bideval.audit.verdicts import first_failure
    from bideval.audit.verify import archived_inputs, verify_archive
    from bideval.audit.zipfiles import read_members
    from bideval.engine.result_file import load_results
    from bideval.errors import InputError

    name = str(path)
    try:
        members = read_members(path)
        with tempfile.TemporaryDirectory(prefix="bideval-ledger-") as folder:
            verdict = verify_archive(path, pubkey, keep=Path(folder, "out"))
            if not verdict.ok:
                return Checked(name, None, None, f"does not verify: {first_failure(verdict)}")
            result = load_results(Path(folder, "out", "results.json"))
            inputs = archived_inputs(members, read_run(members, name), Path(folder, "in"))
    except InputError as exc:
        return Checked(name, None, None, "; ".join(p.message for p in exc.problems[:3]))
    manifest = members[MANIFEST]
    archived = Archived(name, hashlib.sha256(manifest).hexdigest(), str(json.loads(manifest)["bideval"]),
                        signature_checked=pubkey is not None)  # fmt: skip
    head, rows = evaluation_rows(result, inputs.rubric, [scores for scores, _ in inputs.panel], archived)
    return Checked(name, head, rows)


def store(engine: Engine, head: dict, rows: Rows) -> bool:
    """Insert one evaluation and all its rows in one transaction. False when the ledger already holds
    it — found before inserting, or inserted meanwhile by another process (the digest is unique)."""
    digest = evaluations.c.digest == head["digest"]
    try:
        with engine.begin() as connection:
            if connection.execute(sa.select(evaluations.c.id).where(digest)).first() is not None:
                return False
            key = connection.execute(sa.insert(evaluations).values(head)).inserted_primary_key[0]
            for table in TABLES[1:]:
                if rows[table.name]:
                    connection.execute(sa.insert(table), [{**row, "evaluation_id": key} for row in rows[table.name]])
    except sa.exc.IntegrityError:
        with engine.connect() as connection:
            if connection.execute(sa.select(evaluations.c.id).where(digest)).first() is not None:
                return False
        raise
    return True


def present_digests(engine: Engine, digests: set[str]) -> dict[str, str]:
    """digest → the archive name it was first added from, for those the ledger already holds."""
    if not digests:
        return {}
    query = sa.select(evaluations.c.digest, evaluations.c.archive).where(evaluations.c.digest.in_(sorted(digests)))
    with engine.connect() as connection:
        return dict(connection.execute(query).all())


def checked_in_order(archives: list[Path], pubkey: Path | None, jobs: int) -> Iterator[Checked]:
    """Each archive checked, in the order given (so the ledger's order does not depend on which
    worker finished first); by up to `jobs` worker processes where there are cores for them."""
    from bideval.workers import pool

    workers = pool(min(jobs, len(archives)))
    if workers is None:
        yield from (check_archive(path, pubkey) for path in archives)
        return
    with workers:
        futures: list[Future] = [workers.submit(check_archive, path, pubkey) for path in archives]
        yield from (future.result() for future in futures)


def add_archives(engine: Engine, archives: list[Path], pubkey: Path | None, jobs: int,
                 advance: Callable[[], None] = lambda: None) -> list[Outcome]:  # fmt: skip
    """Add each archive to the ledger; one `Outcome` per archive, in the order given."""
    from bideval.errors import InputError

    digests: dict[Path, str] = {}
    outcomes: dict[int, Outcome] = {}
    for n, path in enumerate(archives):
        try:
            digests[path] = manifest_digest(path)
        except InputError as exc:
            outcomes[n] = Outcome(str(path), "refused", "; ".join(p.message for p in exc.problems[:3]))
    present = present_digests(engine, set(digests.values()))
    engine.dispose()  # no open connection is inherited by the forked workers
    pending, seen = [], set()
    for n, path in enumerate(archives):
        if n in outcomes:
            advance()
        elif digests[path] in present or digests[path] in seen:
            first = present.get(digests[path], "this command")
            outcomes[n] = Outcome(str(path), "present", f"already in the ledger (added from {first}); nothing changed")
            advance()
        else:
            seen.add(digests[path])
            pending.append(n)
    for n, checked in zip(pending, checked_in_order([archives[n] for n in pending], pubkey, jobs), strict=True):
        if checked.head is None:
            outcomes[n] = Outcome(checked.archive, "refused", checked.refused)
        elif store(engine, checked.head, checked.rows):
            outcomes[n] = Outcome(checked.archive, "added", _added(checked.head, checked.rows))
        else:
            outcomes[n] = Outcome(checked.archive, "present", "already in the ledger (added meanwhile); nothing changed")
        advance()
    return [outcomes[n] for n in range(len(archives))]


def _added(head: dict, rows: Rows) -> str:
    return (f"{head['tender']} round {head['round']}: {len(rows['bids'])} bid(s), {len(rows['evaluators'])} "
            f"evaluator(s), {len(rows['scores'])} score(s)")  # fmt: skip

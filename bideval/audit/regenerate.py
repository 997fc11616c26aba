"""`bideval regenerate`: verify many archives in parallel, keeping what each one regenerates."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bideval.audit.verdicts import summary_table
from bideval.audit.verify import Verdict, verify_archive
from bideval.errors import InputError


def regenerate_one(archive: Path, folder: Path) -> tuple[Verdict | None, str]:
    """Worker: (verdict, "") or (None, why the archive was refused)."""
    try:
        return verify_archive(archive, keep=folder), ""
    except InputError as exc:
        return None, "; ".join(p.message for p in exc.problems[:3])


def regenerate_all(archives: list[Path], out: Path, jobs: int | None, console: Console) -> bool:
    """Regenerate each archive into out/<archive name>/; True when every one verifies."""
    folders = _folders(archives, out)
    results: dict[Path, tuple[Verdict | None, str]] = {}
    workers = max(1, min(jobs or os.cpu_count() or 1, len(archives)))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress, ProcessPoolExecutor(max_workers=workers) as pool:
        task = progress.add_task("regenerating", total=len(archives))
        futures = {pool.submit(regenerate_one, a, folders[a]): a for a in archives}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            progress.advance(task)
    rows = [(str(a), *results[a]) for a in archives]  # input order, whatever finished first
    console.print(summary_table(rows))
    return all(verdict is not None and verdict.ok for _, verdict, _ in rows)


def _folders(archives: list[Path], out: Path) -> dict[Path, Path]:
    """A distinct output folder per archive, named after it (a-1, a-2 when names repeat)."""
    folders: dict[Path, Path] = {}
    used: set[str] = set()
    for archive in archives:
        name, n = archive.stem, 1
        while name in used:
            n += 1
            name = f"{archive.stem}-{n}"
        used.add(name)
        folders[archive] = out / name
    return folders

"""Writing outputs: all-or-nothing, never over existing files without --force.

Every file is rendered in memory first, written to a temporary name in the target
folder, then renamed into place — a failure never leaves a plausible-looking report.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from bideval.engine.result import Result
from bideval.errors import Problem

if TYPE_CHECKING:
    from bideval.analysis.run import Analysis


FORMATS = {"json": "results.json", "pdf": "report.pdf", "xlsx": "scorecard.xlsx"}  # format → file name

# The most bids the report and the scorecard lay out. The report gives every bid's working on
# about two pages: 300 bids took 40 s and 628 pages here (2 cores), and 10,000 would take hours. The
# scorecard of 1,000 bids took 22 s and 470 MB; 10,000 needed gigabytes. results.json has no limit.
MOST_BIDS = {"pdf": 300, "xlsx": 2000}


def too_many_bids(result: Result, formats: list[str], where: str) -> list[Problem]:
    """A problem for each format asked for that cannot lay out this many bids (`where` names
    where the bids came from): refused before anything is rendered, not after hours."""
    count = len(result.bids)
    fits = ",".join(f for f in FORMATS if count <= MOST_BIDS.get(f, count))
    return [Problem(where, 0, 0, f"{count:,} bids are more than {FORMATS[f]} lays out (at most {MOST_BIDS[f]:,}); "
                                 f"write what fits with --format {fits}")
            for f in formats if count > MOST_BIDS.get(f, count)]  # fmt: skip


def render(result: Result, fmt: str, lang: str, analysis: Analysis | None = None, edition: str = "internal") -> bytes:
    """One output format as bytes (`analysis` adds a section to the PDF and a sheet to the
    scorecard; `edition` is the report's, see render/disclosure.py). Renderers are imported here,
    only when asked for."""
    if fmt == "json":
        from bideval.render.json import render_json

        return render_json(result)
    if fmt == "pdf":
        from bideval.render.pdf import render_pdf

        return render_pdf(result, lang, analysis, edition)
    if fmt == "xlsx":
        from bideval.render.xlsx import render_xlsx

        return render_xlsx(result, lang, analysis)
    raise ValueError(f"unknown format {fmt!r}")


def write_outputs(
    result: Result, folder: Path, formats: list[str], *, lang: str, force: bool, extra: dict[str, bytes],
    analysis: Analysis | None = None, edition: str = "internal",
) -> tuple[list[Path], list[Problem]]:
    """Render every format, then write them all with `extra` files (the evaluated inputs);
    (written paths, problems) — problems mean nothing was written."""
    problems = _refuse(folder, [FORMATS[f] for f in formats] + list(extra), force)
    if problems:  # checked before rendering, which takes seconds
        return [], problems
    stale = folder / "inputs"
    if stale.is_dir():  # a forced re-run: inputs of the earlier run must not linger beside the new outputs
        shutil.rmtree(stale)
    return write_files(folder, {**render_all(result, formats, lang, analysis, edition), **extra}, force=True)


def render_all(result: Result, formats: list[str], lang: str, analysis: Analysis | None = None,
               edition: str = "internal") -> dict[str, bytes]:  # fmt: skip
    """Every format asked for, each rendered once, by file name. The report is started first: it is
    printed by worker processes where the machine allows while the other formats are rendered here."""
    job = None
    if "pdf" in formats:
        from bideval.render.pdf import PrintJob

        job = PrintJob(result, lang, analysis, alongside=len(formats) > 1, edition=edition)
    try:
        rendered = {f: job.pdf() if f == "pdf" and job else render(result, f, lang, analysis, edition)
                    for f in sorted(formats, key=lambda f: f == "pdf")}  # fmt: skip
    finally:
        if job:
            job.close()
    return {FORMATS[f]: rendered[f] for f in formats}


def write_files(folder: Path, files: dict[str, bytes], *, force: bool) -> tuple[list[Path], list[Problem]]:
    """Write named payloads into `folder`: all of them, or none if any exists (without --force)."""
    problems = _refuse(folder, list(files), force)
    if problems:
        return [], problems
    for name, payload in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / name, payload)
    return [folder / name for name in files], []


def _refuse(folder: Path, names: list[str], force: bool) -> list[Problem]:
    if folder.exists() and not folder.is_dir():
        return [Problem(str(folder), 0, 0, "is not a folder")]
    existing = [folder / n for n in names if (folder / n).exists()]
    if existing and not force:
        return [Problem(str(p), 0, 0, "already exists; use --force to overwrite") for p in existing]
    return []


def write_atomic(target: Path, payload: bytes) -> None:
    """Written under a temporary name beside `target`, then renamed over it. Created with the permissions
    any new file gets (0666 less the umask), not tempfile's owner-only 0600: a committee's outputs are
    read by others sharing the folder."""
    temporary = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


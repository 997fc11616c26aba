"""Writing outputs: all-or-nothing, never over existing files without --force.

Every file is rendered in memory first, written to a temporary name in the target
folder, then renamed into place — a failure never leaves a plausible-looking report.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bideval.errors import Problem
from bideval.result import Result


FORMATS = {"json": "results.json", "pdf": "report.pdf"}  # format → file name, in writing order


def render(result: Result, fmt: str, lang: str) -> bytes:
    """One output format as bytes. Renderers are imported here, only when asked for."""
    if fmt == "json":
        from bideval.render.json import render_json

        return render_json(result)
    if fmt == "pdf":
        from bideval.render.pdf import render_pdf

        return render_pdf(result, lang)
    raise ValueError(f"unknown format {fmt!r}")


def write_outputs(
    result: Result, folder: Path, formats: list[str], *, lang: str, force: bool
) -> tuple[list[Path], list[Problem]]:
    """Render every format, then write them all; (written paths, problems) — problems mean nothing written."""
    targets = [folder / FORMATS[f] for f in formats]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        return [], [Problem(str(p), 0, 0, "already exists; use --force to overwrite") for p in existing]
    if folder.exists() and not folder.is_dir():
        return [], [Problem(str(folder), 0, 0, "is not a folder")]
    payloads = [render(result, f, lang) for f in formats]
    folder.mkdir(parents=True, exist_ok=True)
    for target, payload in zip(targets, payloads):
        write_atomic(target, payload)
    return targets, []


def write_atomic(target: Path, payload: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

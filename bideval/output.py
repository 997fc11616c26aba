"""Writing outputs: all-or-nothing, never over existing files without --force.

Every file is rendered in memory first, written to a temporary name in the target
folder, then renamed into place — a failure never leaves a plausible-looking report.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from bideval.errors import Problem
from bideval.result import Result


def _renderers() -> dict[str, tuple[str, Callable[[Result, str], bytes]]]:
    from bideval.render.json import render_json

    return {"json": ("results.json", lambda result, lang: render_json(result))}


def write_outputs(
    result: Result, folder: Path, formats: list[str], *, lang: str, force: bool
) -> tuple[list[Path], list[Problem]]:
    """Render every format, then write them all; (written paths, problems) — problems mean nothing written."""
    renderers = _renderers()
    targets = [folder / renderers[f][0] for f in formats]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        return [], [Problem(str(p), 0, 0, "already exists; use --force to overwrite") for p in existing]
    if folder.exists() and not folder.is_dir():
        return [], [Problem(str(folder), 0, 0, "is not a folder")]
    payloads = [renderers[f][1](result, lang) for f in formats]
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

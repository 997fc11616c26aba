"""What can explain a re-run whose bytes differ from the archived ones while the decision is
the same: another bideval version, or a rendering environment (Python and system libraries,
fonts) other than the one the manifest records. Nothing recorded differs: nothing explains it.
"""

from __future__ import annotations

import json
import re

from bideval import __version__
from bideval.audit.archive import font_hashes, library_versions

# Recorded for the record, but never an explanation: bideval's bytes do not depend on them
# (openpyxl's standard-library writer and fontTools subsetting are chosen whatever is
# installed; tests/render/test_optional_libraries.py checks both ways).
NOT_AN_EXPLANATION = {"lxml", "harfbuzz-subset"}
VERSION = re.compile(r"^[0-9][0-9A-Za-z.+!-]{0,40}$")  # what a pip requirement can name safely


def explanations(manifest: dict) -> list[str]:
    """Every recorded difference between the archive's making and this re-run, one line each:
    "archived with bideval 0.2.0, re-run with 0.3.0", "lxml: archived 5.3.0, now not installed"."""
    from bideval.render.environment import rendering_environment

    reasons = []
    if manifest.get("bideval") != __version__:
        reasons.append(f"archived with bideval {shown(manifest.get('bideval'))}, re-run with {__version__}")
    recorded = manifest.get("environment")
    named: set[str] = set()
    if isinstance(recorded, dict):  # 0.3.0 on: every entry, either side
        current = rendering_environment()
        reasons += _differing(recorded, current, set(recorded) | set(current), named)
    libraries = manifest.get("libraries")
    if isinstance(libraries, dict):  # every version: the libraries both sides record
        current = library_versions()
        reasons += _differing(libraries, current, set(libraries) & set(current), named)
    fonts = manifest.get("fonts")
    if isinstance(fonts, dict):
        reasons += [f"font {shown(n)}: not the archived file" for n, h in sorted(font_hashes().items())
                    if n in fonts and fonts[n] != h]  # fmt: skip
    return reasons


def _differing(archived: dict, current: dict[str, str], names: set[str], named: set[str]) -> list[str]:
    """A line "name: archived X, now Y" per name whose values differ; each name said once only."""
    lines = []
    for name in sorted(names, key=str.lower):
        if name.lower() in named or name in NOT_AN_EXPLANATION:
            continue
        before, now = archived.get(name), current.get(name)
        if before != now:
            named.add(name.lower())
            lines.append(f"{shown(name)}: archived {_value(before)}, now {_value(now)}")
    return lines


def _value(value: object) -> str:
    return "not recorded" if value is None else shown(value)


def shown(value: object, limit: int = 60) -> str:
    """An untrusted manifest value as short text."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def other_version_advice(manifest: dict, archive: str) -> str | None:
    """How to verify an archive this version cannot read: with the version that wrote it
    (None when it was written by this version: then the inputs themselves are at fault)."""
    version = manifest.get("bideval")
    if version == __version__:
        return None
    if not isinstance(version, str) or not VERSION.match(version):
        return (f"the archive names no usable bideval version ({shown(version)}); verify it with the version "
                f"that wrote it")  # fmt: skip
    return (
        f"the archive was written by bideval {version}: install bideval {version} in a fresh virtual "
        f"environment (`python3 -m venv v && v/bin/pip install 'bideval=={version}'`, or from the project's "
        f"history at that version) and run its `bideval verify {archive}`"
    )

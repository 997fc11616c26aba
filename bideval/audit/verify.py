"""`bideval verify`: prove an archive's outputs are what its inputs produce.

1. The archive is read defensively (see `zipfiles`); its manifest hashes are checked.
2. If a public key is given, the Ed25519 signature over manifest.json is checked.
3. The evaluation is re-run from the archived inputs in a temporary folder, every output is
   rendered again and compared byte for byte, and the decision (scores, statuses, ranks,
   outcome; see `decision`) is compared with the archived results.json's — a field added by a
   version newer than the archive's, and absent from it, is left out (`decision.compared`).
4. Bytes that differ while the decision is the same are `rendering` when the manifest
   explains them (another bideval version or rendering environment; see `explain`), and a
   failure when nothing does.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bideval import __version__
from bideval.audit.archive import ARCHIVE_SCHEMA, INPUTS, MANIFEST, OUTPUT_NAMES, SIGNATURE, Run, read_run, sha256
from bideval.audit.decision import changes, compared
from bideval.audit.differences import describe_difference
from bideval.audit.explain import explanations, other_version_advice
from bideval.audit.zipfiles import read_members, unpack
from bideval.errors import InputError, Problem
from bideval.load.inputs import Inputs

PASSING = {"identical", "rendering"}
RESULTS = OUTPUT_NAMES["json"]


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # identical | rendering | differs | missing | unexpected
    detail: str = ""


@dataclass(frozen=True)
class Verdict:
    archive: str
    checks: list[Check]
    notes: list[str] = field(default_factory=list)
    decision: list[str] | None = None  # its changes: [] when identical, None when it could not be compared

    @property
    def ok(self) -> bool:
        return self.decision == [] and all(c.status in PASSING for c in self.checks)

    @property
    def rendering(self) -> list[Check]:
        return [c for c in self.checks if c.status == "rendering"]


def verify_archive(path: Path, pubkey: Path | None = None, keep: Path | None = None) -> Verdict:
    """Check `path`; `keep` (a folder) also receives the regenerated outputs. Raises InputError
    for an archive that cannot be checked at all (unsafe, no manifest)."""
    where = str(path)
    members = read_members(path, where)
    manifest = _manifest(members, where)
    checks = _hash_checks(members, manifest)
    notes = []
    if pubkey is not None:
        from bideval.audit.signing import check_signature

        ok, message = check_signature(members, pubkey)
        checks.append(Check(SIGNATURE, "identical" if ok else "differs", message))
    elif SIGNATURE in members:
        notes.append("the archive is signed; pass --pubkey to check the signature")
    reasons = explanations(manifest)
    produced, failure = _regenerate(members, manifest, where, keep)
    if failure is not None:
        checks.append(failure[0])
        notes += failure[1:]
        return Verdict(where, checks, notes + reasons)
    changed = _decision_changes(members.get(RESULTS), produced[RESULTS])
    checks += [_output_check(name, members.get(name), data, changed, reasons) for name, data in produced.items()]
    if not any(c.status == "rendering" for c in checks):  # else the rendering rows name them
        notes += reasons
    return Verdict(where, checks, notes, changed)


def _manifest(members: dict[str, bytes], where: str) -> dict:
    try:
        manifest = json.loads(members[MANIFEST])
        assert manifest["schema"] == ARCHIVE_SCHEMA
        files = manifest["files"]
        assert isinstance(files, dict) and all(isinstance(v, str) for v in files.values())
    except (KeyError, ValueError, TypeError, AssertionError, RecursionError):
        raise InputError([Problem(where, 0, 0, f"no readable {MANIFEST}: not a bideval archive")]) from None
    return manifest


def _hash_checks(members: dict[str, bytes], manifest: dict) -> list[Check]:
    checks = []
    for name, expected in sorted(manifest["files"].items()):
        if name not in members:
            checks.append(Check(name, "missing", "listed in the manifest, absent from the archive"))
        elif sha256(members[name]) != expected:
            checks.append(Check(name, "differs", "its sha256 does not match the manifest (altered after archiving)"))
        elif name not in OUTPUT_NAMES.values():  # outputs get their row from the re-run below
            checks.append(Check(name, "identical", "sha256 matches the manifest"))
    for name in sorted(set(members) - set(manifest["files"]) - {MANIFEST, SIGNATURE}):
        checks.append(Check(name, "unexpected", "not listed in the manifest"))
    return checks


def _regenerate(
    members: dict[str, bytes], manifest: dict, where: str, keep: Path | None
) -> tuple[dict[str, bytes], tuple[Check, ...] | None]:
    """The outputs the archived inputs give now ({name: bytes}), or why there are none:
    (the "evaluation" row, notes)."""
    from bideval.analysis.run import analyze
    from bideval.engine.pipeline import evaluate
    from bideval.render.output import render_all

    try:
        run = read_run(members, where)
    except InputError as exc:  # reported as a row, beside what the hash checks found
        return {}, _unreadable(manifest, where, "cannot re-run", exc.problems)
    produced = {}
    with tempfile.TemporaryDirectory(prefix="bideval-verify-") as tmp:
        folder = Path(tmp)
        try:
            inputs = archived_inputs(members, run, folder)
            result = evaluate(inputs)
            analysis = analyze(inputs, **run.analysis.model_dump()) if run.analysis else None
        except InputError as exc:
            # Name the archive member, not the temporary folder it was unpacked to.
            problems = [Problem(p.file.replace(f"{folder}/", ""), p.line, p.column, p.message) for p in exc.problems]
            return {}, _unreadable(manifest, where, "the archived inputs no longer evaluate", problems)
        produced = render_all(result, run.formats, run.lang, analysis, run.edition)  # named as OUTPUT_NAMES names them
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        for name, data in produced.items():
            (keep / name).write_bytes(data)
    return produced, None


def archived_inputs(members: dict[str, bytes], run: Run, folder: Path) -> Inputs:
    """The archived inputs, unpacked into `folder` and loaded as `evaluate` loaded them."""
    from bideval.load.inputs import load_inputs

    unpack({n: d for n, d in members.items() if n.startswith(f"{INPUTS}/")}, folder)
    catalog = folder / run.catalog if run.catalog else None
    return load_inputs(folder / run.rubric, folder / run.bids, catalog)


def _unreadable(manifest: dict, archive: str, today: str, problems: list[Problem]) -> tuple[Check, ...]:
    """The row for inputs the installed version cannot read; written by another version, it
    also says how to verify them with that one."""
    advice = other_version_advice(manifest, archive)
    first = "; ".join(p.message if p.file == archive else str(p) for p in problems[:3]) or "unknown problem"
    more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
    if advice is None:
        return (Check("evaluation", "differs", f"{today}: {first}{more}"),)
    row = Check("evaluation", "differs", f"bideval {__version__} cannot read the archived inputs: {first}{more}")
    return row, advice


def _decision_changes(archived: bytes | None, produced: bytes) -> list[str] | None:
    """How the re-run's decision differs from the archived one's (None: no archived results.json)."""
    if archived is None:
        return None
    if archived == produced:  # the same bytes: the same decision, without reading a large file twice
        return []
    try:
        before = json.loads(archived)
    except (ValueError, RecursionError):
        return [f"the archived {RESULTS} is not readable JSON"]
    return changes(*compared(before, json.loads(produced)))  # fields newer than the archive: see `decision`


def _output_check(name: str, archived: bytes | None, produced: bytes, changed: list[str] | None,
                  reasons: list[str]) -> Check:  # fmt: skip
    """identical; rendering (explained); or differs, saying where and why it is not explained."""
    if archived is None:
        return Check(name, "missing", "not in the archive")
    if archived == produced:
        return Check(name, "identical")
    fmt = next(f for f, n in OUTPUT_NAMES.items() if n == name)
    where = describe_difference(fmt, archived, produced)
    if changed:
        more = f" (+{len(changed) - 1} more, below)" if len(changed) > 1 else ""
        if name != RESULTS:
            return Check(name, "differs", f"{where} (the decision changed)")
        return Check(name, "differs", f"the decision changed: {changed[0]}{more}")
    if name == RESULTS:
        where = f"same decision; other fields differ: {where}"
    if reasons:
        return Check(name, "rendering", f"{where}; explained: {'; '.join(reasons)}")
    return Check(name, "differs", f"{where}; unexplained: same bideval version and recorded rendering environment")

"""`bideval verify`: prove an archive's outputs are exactly what its inputs produce.

1. The archive is read defensively (see `zipfiles`); its manifest hashes are checked.
2. If a public key is given, the Ed25519 signature over manifest.json is checked.
3. The evaluation is re-run from the archived inputs in a temporary folder and every
   output is rendered again and compared byte for byte; a difference is described
   (the first differing results.json values, the PDF page, the workbook sheet), with
   the library versions that differ from the ones the archive was made with.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bideval import __version__
from bideval.audit.archive import ARCHIVE_SCHEMA, MANIFEST, OUTPUT_NAMES, SIGNATURE, library_versions, read_run, sha256
from bideval.audit.zipfiles import read_members, unpack
from bideval.errors import InputError, Problem


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # identical | differs | missing | unexpected
    detail: str = ""


@dataclass(frozen=True)
class Verdict:
    archive: str
    checks: list[Check]
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status == "identical" for c in self.checks)


def verify_archive(path: Path, pubkey: Path | None = None, keep: Path | None = None) -> Verdict:
    """Check `path`; `keep` (a folder) also receives the regenerated outputs. Raises InputError
    for an archive that cannot be checked at all (unsafe, no manifest)."""
    where = str(path)
    members = read_members(path, where)
    manifest = _manifest(members, where)
    checks = _hash_checks(members, manifest)
    notes = _version_notes(manifest)
    if pubkey is not None:
        from bideval.audit.signing import check_signature

        ok, message = check_signature(members, pubkey)
        checks.append(Check(SIGNATURE, "identical" if ok else "differs", message))
    elif SIGNATURE in members:
        notes.append("the archive is signed; pass --pubkey to check the signature")
    checks += _regenerate(members, where, keep)
    if not all(c.status == "identical" for c in checks) and notes:
        notes.append("differences may come from the library versions above")
    return Verdict(where, checks, notes)


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


def _version_notes(manifest: dict) -> list[str]:
    notes = []
    if manifest.get("bideval") != __version__:
        notes.append(f"archived with bideval {manifest.get('bideval')}, checking with {__version__}")
    recorded = manifest.get("libraries")
    recorded = recorded if isinstance(recorded, dict) else {}
    for name, version in library_versions().items():
        if name in recorded and recorded[name] != version:
            notes.append(f"{name}: archived with {recorded[name]}, installed {version}")
    return notes


def _regenerate(members: dict[str, bytes], where: str, keep: Path | None) -> list[Check]:
    from bideval.analysis.run import analyze
    from bideval.engine.pipeline import evaluate
    from bideval.load.inputs import load_inputs
    from bideval.render.output import render

    try:
        run = read_run(members, where)
    except InputError as exc:  # reported as a row, beside what the hash checks found
        return [Check("evaluation", "differs", f"cannot re-run: {exc.problems[0].message}")]
    checks = []
    with tempfile.TemporaryDirectory(prefix="bideval-verify-") as tmp:
        folder = Path(tmp)
        unpack({n: d for n, d in members.items() if n.startswith("inputs/")}, folder)
        try:
            catalog = folder / run.catalog if run.catalog else None
            inputs = load_inputs(folder / run.rubric, folder / run.bids, catalog)
            result = evaluate(inputs)
            analysis = analyze(inputs, **run.analysis.model_dump()) if run.analysis else None
        except InputError as exc:
            # Name the archive member, not the temporary folder it was unpacked to.
            first = str(exc.problems[0]).replace(f"{folder}/", "") if exc.problems else "unknown problem"
            return [Check("evaluation", "differs", f"the archived inputs no longer evaluate: {first}")]
        for fmt in run.formats:
            name = OUTPUT_NAMES[fmt]
            produced = render(result, fmt, run.lang, analysis)
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / name).write_bytes(produced)
            archived = members.get(name)
            if archived is None:
                checks.append(Check(name, "missing", "not in the archive"))
            elif archived == produced:
                checks.append(Check(name, "identical"))
            else:
                checks.append(Check(name, "differs", describe_difference(fmt, archived, produced)))
    return checks


def describe_difference(fmt: str, archived: bytes, produced: bytes) -> str:
    """Where two renderings of one output differ, in terms a reader can check."""
    try:
        if fmt == "json":
            return _json_difference(json.loads(archived), json.loads(produced))
        if fmt == "xlsx":
            return _xlsx_difference(archived, produced)
        if fmt == "pdf":
            return _pdf_difference(archived, produced)
    except Exception as exc:  # noqa: BLE001 - a damaged file still gets a plain byte report
        return f"unreadable for comparison ({type(exc).__name__}); {_first_byte(archived, produced)}"
    return _first_byte(archived, produced)


def _first_byte(a: bytes, b: bytes) -> str:
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"first differing byte at offset {index:,} (sizes {len(a):,} and {len(b):,})"


def _flatten(value: object, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {k: v for key in value for k, v in _flatten(value[key], f"{path}.{key}" if path else key).items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, f"{path}[{i}]").items()}
    return {path: value}


def _json_difference(archived: object, produced: object, limit: int = 5) -> str:
    a, b = _flatten(archived), _flatten(produced)
    paths = [p for p in sorted(set(a) | set(b)) if a.get(p, "∅") != b.get(p, "∅")]
    shown = "; ".join(f"{p}: archived {a.get(p, '∅')!r}, now {b.get(p, '∅')!r}" for p in paths[:limit])
    more = f" (+{len(paths) - limit} more)" if len(paths) > limit else ""
    return (shown + more) if paths else "same values, different bytes (formatting)"


def _xlsx_difference(archived: bytes, produced: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(archived)) as a, zipfile.ZipFile(io.BytesIO(produced)) as b:
        names = sorted(set(a.namelist()) | set(b.namelist()))
        differing = [n for n in names if n not in a.namelist() or n not in b.namelist() or a.read(n) != b.read(n)]
        sheets = _sheet_names(b)
    shown = [sheets.get(n, n) for n in differing]
    return "differs in: " + ", ".join(shown) if shown else "same parts, different zip bytes"


def _sheet_names(workbook: zipfile.ZipFile) -> dict[str, str]:
    """xl/worksheets/sheetN.xml → "sheet 'Name'", from the workbook part's sheet order."""
    import re

    names = re.findall(rb'<sheet [^>]*name="([^"]+)"', workbook.read("xl/workbook.xml"))
    return {f"xl/worksheets/sheet{i}.xml": f"sheet '{n.decode()}'" for i, n in enumerate(names, start=1)}


def _pdf_difference(archived: bytes, produced: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a dependency; keep a useful fallback
        return _first_byte(archived, produced)
    a, b = PdfReader(io.BytesIO(archived)).pages, PdfReader(io.BytesIO(produced)).pages
    if len(a) != len(b):
        return f"{len(a)} pages archived, {len(b)} now"
    for number, (x, y) in enumerate(zip(a, b), start=1):
        if x.extract_text() != y.extract_text():
            return f"text differs from page {number}"
    return f"same text on every page; {_first_byte(archived, produced)}"

"""Where two renderings of one output differ, in terms a reader can check: the first
differing results.json values, the PDF page whose text differs, the workbook sheets."""

from __future__ import annotations

import io
import json
import re
import zipfile


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
    if not paths:
        return "same values, different bytes (formatting)"
    # Values on both sides first, the tool version leading (it explains the rest); then the fields
    # one side has alone (a later version adds fields: issue 18 added lots, stages, …).
    changed = sorted((p for p in paths if p in a and p in b), key=lambda p: p != "tool_version")
    ordered = changed + [p for p in paths if p not in a or p not in b]
    shown = "; ".join(f"{p}: archived {a.get(p, '∅')!r}, now {b.get(p, '∅')!r}" for p in ordered[:limit])
    rest = ordered[limit:]
    if not rest:
        return shown
    counts = ((sum(p in a and p in b for p in rest), "changed"), (sum(p not in a for p in rest), "only in the re-run"),
              (sum(p not in b for p in rest), "only in the archive"))  # fmt: skip
    return f"{shown} (+{len(rest)} more: " + ", ".join(f"{n} {what}" for n, what in counts if n) + ")"


def _xlsx_difference(archived: bytes, produced: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(archived)) as a, zipfile.ZipFile(io.BytesIO(produced)) as b:
        names = sorted(set(a.namelist()) | set(b.namelist()))
        differing = [n for n in names if n not in a.namelist() or n not in b.namelist() or a.read(n) != b.read(n)]
        sheets = _sheet_names(b)
    shown = [sheets.get(n, n) for n in differing]
    return "differs in: " + ", ".join(shown) if shown else "same parts, different zip bytes"


def _sheet_names(workbook: zipfile.ZipFile) -> dict[str, str]:
    """xl/worksheets/sheetN.xml → "sheet 'Name'", from the workbook part's sheet order."""
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

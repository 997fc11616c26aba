"""What every workbook bideval writes shares: safe text cells and reproducible bytes.

* Text from bids, rubrics and sheets is written as a string, never as a formula: a value
  starting with = + - @ tab or CR is stored as text and marked quote-prefixed, so Excel
  neither runs it on open nor turns it into a formula when the cell is edited.
  Control characters (which Excel cannot store) are removed.
* A workbook's document dates come from the rubric and every zip entry carries the same
  fixed time, so the same inputs give byte-identical files.
* The XML is always written by openpyxl's standard-library writer, never through lxml, so
  the bytes do not depend on whether lxml is installed (bideval/__init__.py chooses it).

openpyxl is imported by the callers' modules only, never at CLI start-up.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from typing import Any

import openpyxl.xml
from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook

from bideval.render.reproducible_zip import deterministic_zip

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def clean_text(value: str) -> str:
    """Text as Excel can store it: C0 control characters (other than tab, LF, CR) removed."""
    return _CONTROL.sub("", value)


def put_text(cell: Cell, value: str) -> Cell:
    """Write untrusted text: always a string cell, quote-prefixed when it looks like a formula."""
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def put(cell: Cell, value: Any) -> Cell:
    """Write any value: numbers and booleans as they are, every string as safe text."""
    if isinstance(value, str):
        return put_text(cell, value)
    cell.value = value
    return cell


def display_width(text: str) -> int:
    """Width in Excel character units, counting East Asian wide characters (Hangul) as two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def workbook_bytes(workbook: Workbook, day: date) -> bytes:
    """Save `workbook` with document dates set to `day` and fixed zip entry times."""
    _check_xml_writer()
    moment = datetime(day.year, day.month, day.day)
    properties = workbook.properties
    properties.creator = "bideval"
    properties.lastModifiedBy = "bideval"
    properties.created = moment
    properties.modified = moment
    raw = io.BytesIO()
    workbook.save(raw)
    return _pin_times(raw.getvalue(), moment)


def _check_xml_writer() -> None:
    """Refuse to write bytes that depend on lxml: openpyxl chose its XML writer when it was first
    imported, and chose lxml if that happened before bideval's import set OPENPYXL_LXML=False."""
    if openpyxl.xml.LXML:
        raise RuntimeError(
            "openpyxl was imported before bideval with lxml as its XML writer, so the workbook's bytes "
            "would depend on whether lxml is installed; import bideval before openpyxl, or set the "
            "environment variable OPENPYXL_LXML=False before starting Python"
        )


def _pin_times(payload: bytes, moment: datetime) -> bytes:
    """Rewrite the zip with one fixed entry time, and pin docProps' modified date, which
    openpyxl sets to the clock while saving."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(payload)) as source:
        files = {name: source.read(name) for name in source.namelist()}
    files["docProps/core.xml"] = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", files["docProps/core.xml"])
    return deterministic_zip(files, moment.date())

"""A returned workbook opened with care, and its hidden sheet read: what the sheet is and what each row asks.

The workbook is untrusted: its size and its unpacked size are checked before openpyxl parses it, and
any failure to parse it means "unreadable". The hidden sheet (layout in `bideval.sheets`) is believed
only if its check value matches and its rows are laid out as `make` writes them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bideval.model.rubric import Criterion, Rubric
from bideval.sheets import ID_ROW, META_SHEET, SHEET_SCHEMA, lot_judged, meta_check, stage_of

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a score sheet unpacks to well under 1 MiB


@dataclass(frozen=True)
class Meta:
    """What the hidden sheet says (layout in `bideval.sheets`)."""

    rubric_id: str
    rubric_sha256: str
    evaluator: str
    sheet: str
    blind: bool
    criteria: tuple[tuple[str, int, tuple[str, ...] | None], ...]  # criterion id, column number, lots (None: all)
    rows: tuple[tuple[str, int, str, str | None], ...]  # bidder id (alias if blind), row number, text in column A, lot
    comments: str | None = None  # the comments sheet's title; None in a workbook made before 0.5.0


@dataclass(frozen=True)
class Asked:
    """What one row of a sheet asks: the columns of its lot's judged criteria."""

    columns: dict[str, int]  # criterion id → column number
    criteria: dict[str, Criterion]  # criterion id → the criterion as its lot defines it
    later: dict[str, list[str]]  # a later stage's id → its criteria (may be left empty together)


def open_workbook(path: Path, found: list[str]) -> Any:
    """The workbook, or None after saying why it cannot be read. Size and zip checks come first,
    so openpyxl never sees a huge file or a zip bomb."""
    from openpyxl import load_workbook

    not_xlsx = "not a readable xlsx workbook"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            found.append(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (5 MiB)")
            return None
        with zipfile.ZipFile(path) as archive:
            # zipfile stops at each entry's declared size (and fails its CRC if the data is
            # longer), so the declared sizes bound what openpyxl can unpack.
            unpacked = sum(entry.file_size for entry in archive.infolist())
        if unpacked > MAX_UNZIPPED_BYTES:
            found.append(f"{not_xlsx}: it would unpack to {unpacked:,} bytes (limit {MAX_UNZIPPED_BYTES:,})")
            return None
        # Formulas are kept as their text (data_only=False) so they are refused, never
        # replaced by a value Excel cached; external links are not loaded.
        return load_workbook(path, data_only=False, keep_links=False)
    except OSError as exc:
        found.append(f"cannot read file: {exc.strerror or exc}")
    except zipfile.BadZipFile:
        found.append(f"{not_xlsx} (not a zip archive)")
    except Exception as exc:  # noqa: BLE001 — any failure to parse an untrusted file means "unreadable"
        found.append(f"{not_xlsx} ({type(exc).__name__})")
    return None


def read_meta(workbook: Any, found: list[str]) -> Meta | None:
    """The hidden sheet, checked against its check value, or None after saying what is wrong."""
    if META_SHEET not in workbook.sheetnames:
        found.append(f"sheet '{META_SHEET}' (hidden) is missing: not a bideval score sheet, or it was removed; "
                     "make a new one with `bideval sheets`")  # fmt: skip
        return None
    rows = [_trimmed(row) for row in workbook[META_SHEET].iter_rows(values_only=True)]
    meta = None
    if rows and rows[-1][:1] == ["check"] and rows[-1][1:] == [meta_check(rows[:-1])]:
        meta = _parse_meta(rows[:-1])
    if meta is None:
        found.append(f"sheet '{META_SHEET}' (hidden) was changed after bideval wrote it; "
                     "make a new sheet with `bideval sheets`")  # fmt: skip
    return meta


def _trimmed(row: tuple) -> list:
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return values


def _parse_meta(rows: list[list]) -> Meta | None:
    """The hidden sheet's rows as a `Meta`, or None if they are not laid out as `make` writes them."""
    from openpyxl.utils import column_index_from_string

    match rows[:5]:
        case [["schema", schema], ["rubric", str(rubric_id), str(sha256)], ["evaluator", str(evaluator)],
              ["sheet", str(sheet)], ["blind", ("yes" | "no") as blind]] if schema == SHEET_SCHEMA:  # fmt: skip
            pass
        case _:
            return None
    criteria, bidders, comments = [], [], []
    for row in rows[5:]:
        match row:
            case ["comments", str(title)] if not comments:
                comments.append(title)
            case ["criterion", str(cid), str(letter), *lots] if re.fullmatch("[A-Z]{1,3}", letter) and (
                    lots == [] or (len(lots) == 1 and isinstance(lots[0], str))):  # fmt: skip
                criteria.append((cid, column_index_from_string(letter), tuple(lots[0].split()) if lots else None))
            case ["bidder", str(key), int(number), str(shown), *lot] if number > ID_ROW and (
                    lot == [] or (len(lot) == 1 and isinstance(lot[0], str) and lot[0])):  # fmt: skip
                bidders.append((key, number, shown, lot[0] if lot else None))
            case _:
                return None
    return Meta(rubric_id, sha256, evaluator, sheet, blind == "yes", tuple(criteria), tuple(bidders),
                comments[0] if comments else None)


def asked_by_lot(rubric: Rubric, meta: Meta) -> dict[str | None, Asked] | None:
    """For each lot of the sheet's rows (None without lots): the columns it asks, which must be
    exactly its judged criteria, each once; None when they are not (or the sheet's lots are not
    the rubric's)."""
    lot_ids = {lot.id for lot in rubric.lots}
    lots = {lot for _, _, _, lot in meta.rows}
    served = [lots_of for _, _, lots_of in meta.criteria]
    if lot_ids and (not lots <= lot_ids or None in served):  # with lots, every row and column names its lots
        return None
    if not lot_ids and (lots - {None} or any(lots_of is not None for lots_of in served)):
        return None
    lots = lots or ({None} if not lot_ids else set())
    asked = {}
    for lot in lots:
        judged = {c.id: c for c in lot_judged(rubric, lot)}
        found = [(cid, column) for cid, column, served in meta.criteria if served is None or lot in served]
        if sorted(cid for cid, _ in found) != sorted(judged):
            return None
        stages = stage_of(rubric, lot)
        later = {stage.id: [cid for cid in judged if stages[cid].id == stage.id] for stage in rubric.stages[1:]}
        asked[lot] = Asked(dict(found), judged, {stage: ids for stage, ids in later.items() if ids})
    return asked

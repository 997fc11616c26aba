"""Score sheets: making them (test_make) and importing them back (test_read).

Helpers shared by both: a private copy of a sample, and filling a workbook the way an
evaluator would — by what the visible sheet shows, with numbers as Excel stores them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from bideval.sheets import FIRST_ROW, FIRST_SCORE_COLUMN, ID_ROW, NAME_COLUMN


def copy_sample(sample: tuple[Path, Path], into: Path) -> tuple[Path, Path]:
    """(rubric, bids dir) copied under `into`, for tests that change them."""
    rubric, bids = sample
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(rubric, into / rubric.name)
    shutil.copytree(bids, into / "bids")
    return into / rubric.name, into / "bids"


def write_files(files: dict[str, bytes], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, payload in files.items():
        (folder / name).write_bytes(payload)
    return {name: folder / name for name in files}


def excel_number(value: Decimal) -> int | float:
    """What a typed score becomes in a cell: Excel stores doubles, integers without a fraction."""
    return int(value) if value == value.to_integral_value() else float(value)


def fill(path: Path, score: Callable[[str, str], object]) -> None:
    """Fill every score cell with `score(text in column A, criterion id)`, then save. Only the cells an
    evaluator can type into: locked ones (a lot's heading row, an item the bidder's lot does not have)
    are left as they are. `score` returning None leaves the cell empty."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    row = FIRST_ROW
    while sheet.cell(row, NAME_COLUMN).value is not None:
        column = FIRST_SCORE_COLUMN
        while sheet.cell(ID_ROW, column).value is not None:
            cell = sheet.cell(row, column)
            if not cell.protection.locked:
                cell.value = score(sheet.cell(row, NAME_COLUMN).value, sheet.cell(ID_ROW, column).value)
            column += 1
        row += 1
    workbook.save(path)


def fill_comments(path: Path, comment: Callable[[str, str], object], *, as_text: bool = True) -> None:
    """Write `comment(text in column A, criterion id)` into every unlocked cell of the comments sheet (the
    second one), then save. `as_text`: stored as a text cell, as Excel stores what is typed into the
    sheet's text-formatted cells ("=1+1" included); else as openpyxl stores a value ("=1+1": a formula).
    `comment` returning None leaves the cell empty."""
    workbook = load_workbook(path)
    sheet = workbook.worksheets[1]
    row = FIRST_ROW
    while sheet.cell(row, NAME_COLUMN).value is not None:
        column = FIRST_SCORE_COLUMN
        while sheet.cell(ID_ROW, column).value is not None:
            cell = sheet.cell(row, column)
            if not cell.protection.locked:
                cell.value = comment(sheet.cell(row, NAME_COLUMN).value, sheet.cell(ID_ROW, column).value)
                if as_text and isinstance(cell.value, str):
                    cell.data_type = "s"
            column += 1
        row += 1
    workbook.save(path)


def edit(path: Path, change: Callable) -> None:
    """Apply `change(workbook)` and save, as someone editing the returned file would."""
    workbook = load_workbook(path)
    change(workbook)
    workbook.save(path)

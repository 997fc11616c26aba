"""The rows of a returned workbook: each bidder's scores and comments, every problem located at its cell.

With lots, each row is read for the judged criteria of its lot (its bid must still be for the
lot the sheet was made for); a locked grey cell (an item that lot does not have) must stay
empty. With stages, a later stage's items of a row may be left empty, all of them, for a bid
that will not reach that stage: they are left out of the scores file, and the evaluation
says if a bid that reaches the stage lacks them. The first stage's items are always required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bideval.load.inputs import Inputs
from bideval.model.scores import Evaluator
from bideval.sheets import ID_ROW, NAME_COLUMN, lot_judged
from bideval.sheets.cells import cell_score, is_empty
from bideval.sheets.comments import row_comments
from bideval.sheets.workbook import Asked, Meta

_Given = dict[str, dict[str, Decimal | None]]  # bidder id → criterion id → score (None where it had a problem)
_Noted = dict[str, dict[str, str]]  # bidder id → criterion id → comment


@dataclass
class ReturnedWorkbook:
    """One workbook as read: whose it is, its scores and comments, and where each score stood."""

    path: Path
    evaluator: Evaluator
    given: _Given = field(default_factory=dict)
    noted: _Noted = field(default_factory=dict)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (bidder, criterion) → "sheet '…' cell B6"


def read_rows(sheet: Any, notes: Any, meta: Meta, asked: dict[str | None, Asked], inputs: Inputs,
              bids_dir: Path, aliases: Path | None, owner: dict[str, str] | None, read: ReturnedWorkbook,
              found: list[str]) -> None:  # fmt: skip
    """Into `read`: bidder id → criterion id → score, and → comment (from `notes`, the comments sheet, if
    any), for every row; problems go to `found` (and their scores are None). A later stage's criteria
    a row leaves empty, all of them, are left out."""
    from openpyxl.utils import get_column_letter

    title = meta.sheet
    evaluator = read.evaluator
    grids = [sheet] + ([notes] if notes is not None else [])
    for grid in grids:
        for cid, column, _ in meta.criteria:  # a moved column would put scores under the wrong criterion
            if grid.cell(ID_ROW, column).value != cid:
                found.append(f"sheet '{grid.title}' cell {get_column_letter(column)}{ID_ROW}: expected item id "
                             f"'{cid}'; the sheet's columns were changed")  # fmt: skip
    lot_of = {bid.bidder.id: bid.lot for bid, _ in inputs.bids}
    given = read.given
    unknown_alias = False
    for key, row, shown, lot in meta.rows:
        at = f"sheet '{title}' cell {get_column_letter(NAME_COLUMN)}{row}"
        moved = [grid for grid in grids if grid.cell(row, NAME_COLUMN).value != shown]
        for grid in moved:
            found.append(f"sheet '{grid.title}' cell {get_column_letter(NAME_COLUMN)}{row}: expected '{shown}'; "
                         "the sheet's rows were changed")  # fmt: skip
        if moved:
            continue
        bidder = owner.get(key) if owner is not None else key
        if bidder is None:
            found.append(f"{at}: alias '{key}' is not in {aliases}")
            unknown_alias = True
        elif bidder not in lot_of:
            found.append(f"{at}: bidder '{bidder}' is not among the bids in {bids_dir}")
        elif bidder in evaluator.conflicts:
            found.append(f"{at}: evaluator '{evaluator.id}' declared a conflict with '{bidder}' and must not "
                         "score it")  # fmt: skip
        elif lot is not None and lot_of[bidder] != lot:
            found.append(f"{at}: the sheet was made when '{shown}' bid for lot '{lot}'; its bid is now for lot "
                         f"'{lot_of[bidder]}': make new sheets with `bideval sheets`")  # fmt: skip
        scores = _row_scores(sheet, row, shown, asked[lot], meta, found)
        comments = row_comments(notes, sheet, row, shown, asked[lot], meta, found) if notes is not None else {}
        if bidder is not None:
            given[bidder] = scores
            if comments:
                read.noted[bidder] = comments
            for cid, column in asked[lot].columns.items():
                read.cells[(bidder, cid)] = f"sheet '{title}' cell {get_column_letter(column)}{row}"
    if not unknown_alias:  # else the bidder behind that alias would be reported twice
        rubric = inputs.rubric
        to_score = {bidder for bidder, lot in lot_of.items() if lot_judged(rubric, lot if rubric.lots else None)}
        for bidder in sorted(to_score - set(given) - set(evaluator.conflicts)):
            found.append(f"sheet '{title}': no row for bidder '{bidder}' (was its bid added after the sheet "
                         "was made?)")  # fmt: skip


def _row_scores(sheet: Any, row: int, shown: str, asked: Asked, meta: Meta, found: list[str]) -> dict:
    """One row's scores (criterion id → score, None where it had a problem), in the sheet's column order."""
    from openpyxl.utils import get_column_letter

    title = meta.sheet
    values = {cid: sheet.cell(row, column).value for cid, column in asked.columns.items()}
    skipped = {cid for ids in asked.later.values() if all(is_empty(values[cid]) for cid in ids) for cid in ids}
    scores: dict[str, Decimal | None] = {}
    for cid, column, _ in meta.criteria:
        where = f"sheet '{title}' cell {get_column_letter(column)}{row}"
        if asked.columns.get(cid) != column:  # a locked grey cell: an item this bidder's lot does not have
            if not is_empty(sheet.cell(row, column).value):
                found.append(f"{where}: '{shown}' is not scored on item '{cid}' (its lot does not have it); "
                             "leave the cell empty")  # fmt: skip
            continue
        if cid in skipped:
            continue
        score, problem = cell_score(values[cid], asked.criteria[cid])
        if problem:
            stage = next((s for s, ids in asked.later.items() if cid in ids), None)
            hint = (f"; fill every item of stage '{stage}' for this bidder, or leave them all empty if it will not "
                    "reach that stage") if stage and is_empty(values[cid]) else ""  # fmt: skip
            found.append(f"{where}: {problem} ('{shown}', item '{cid}'){hint}")
        scores[cid] = score
    return scores

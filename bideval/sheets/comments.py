"""The comments sheet of a returned workbook, laid out like the scores sheet: a row's comments.

Comments are untrusted text, kept exactly as written: a cell holding only spaces counts as empty, as
a score cell does, and nothing else is stripped. A comment must stay within `COMMENT_LIMIT`
characters and have its score; a formula in a comment cell is refused (its text is not what the
evaluator saw), while text that merely starts with `=` (typed into the text cell, or quote-prefixed)
is kept as that text.
"""

from __future__ import annotations

from typing import Any

from bideval.model.scores import COMMENT_LIMIT
from bideval.sheets.cells import is_empty, shortened
from bideval.sheets.workbook import Asked, Meta


def row_comments(notes: Any, sheet: Any, row: int, shown: str, asked: Asked, meta: Meta,
                 found: list[str]) -> dict[str, str]:  # fmt: skip
    """One row's comments (criterion id → text), from the comments sheet's cells at the places of the scores."""
    from openpyxl.utils import get_column_letter

    comments: dict[str, str] = {}
    for cid, column, _ in meta.criteria:
        letter = get_column_letter(column)
        where = f"sheet '{notes.title}' cell {letter}{row}"
        cell = notes.cell(row, column)
        if asked.columns.get(cid) != column:  # a locked grey cell: an item this bidder's lot does not have
            if not is_empty(cell.value):
                found.append(f"{where}: '{shown}' is not scored on item '{cid}' (its lot does not have it); "
                             "leave the cell empty")  # fmt: skip
            continue
        text, problem = _cell_comment(cell)
        if problem is None and text is not None and is_empty(sheet.cell(row, column).value):
            problem = (f"a comment on an item without a score (sheet '{meta.sheet}' cell {letter}{row} is empty); "
                       "give the score or delete the comment")  # fmt: skip
        if problem:
            found.append(f"{where}: {problem} ('{shown}', item '{cid}')")
        elif text is not None:
            comments[cid] = text
    return comments


def _cell_comment(cell: Any) -> tuple[str | None, str | None]:
    """The comment in `cell` exactly as written (None if empty), or a problem. A formula is not evaluated:
    it is refused, as its text is not what the evaluator saw in the cell."""
    value = cell.value
    if cell.data_type == "f":
        text = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
        return None, f"expected the comment as text, found a formula '{shortened(text)}' (formulas are not evaluated)"
    if is_empty(value):
        return None, None
    if cell.data_type == "e":
        return None, f"expected the comment as text, found the error value {value}"
    if isinstance(value, bool):
        return None, f"expected the comment as text, found {str(value).upper()}"
    if not isinstance(value, str):  # a number or a date: the cell was not left as a text cell
        return None, f"expected the comment as text, found {type(value).__name__} {value}; format the cell as text"
    if len(value) > COMMENT_LIMIT:
        return None, f"the comment has {len(value):,} characters; the limit is {COMMENT_LIMIT:,}"
    return value, None

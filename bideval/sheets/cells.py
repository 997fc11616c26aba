"""One cell of a returned workbook: empty or not, and a score as a scores file will hold it.

Cells are read as stored, never computed: formulas come back as their text and are
refused like any other text. Numbers become exact Decimals via the shortest text that
round-trips the stored double (`repr`), so 13.5 stays 13.5 and 27.0 becomes 27. Each is then
checked as the loader checks a scores file (its number reader, its range check): the import
never writes a file that bideval would refuse to read.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from bideval.load.checks import score_problem
from bideval.load.strict_yaml import resolve_plain
from bideval.model.rubric import Criterion
from bideval.sheets import number_text


def is_empty(value: Any) -> bool:
    """Nothing in the cell, or only spaces: a score cell and a comment cell count both as empty."""
    return value is None or (isinstance(value, str) and not value.strip())


def shortened(text: str) -> str:
    """At most 40 characters of a cell's text, for a message."""
    return text if len(text) <= 40 else text[:40] + "…"


def cell_score(value: Any, criterion: Criterion) -> tuple[Decimal | None, str | None]:
    """The cell's score, or a problem: missing, not a number, or not a score a scores file can hold."""
    if is_empty(value):
        return None, "missing score"
    if isinstance(value, str):  # includes formulas, which openpyxl returns as their text
        return None, f"expected a number, found text '{shortened(value)}' (formulas are not evaluated)"
    if isinstance(value, bool):
        return None, f"expected a number, found {str(value).upper()}"
    if not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        return None, f"expected a number, found {type(value).__name__} {value}"
    # The number as typed: the shortest text that gives the stored double back (13.5, 1e-30).
    typed = repr(value) if isinstance(value, float) else str(value)
    score, problem = _as_scores_file_reads(typed)
    if problem:
        return None, problem
    problem = score_problem(score, criterion)  # the range check the loader applies to scores files
    return (None, problem) if problem else (score, None)


def _as_scores_file_reads(typed: str) -> tuple[Decimal, str | None]:
    """`typed` as the loader would read it, and as it reads the text written for it back: the import
    writes nothing it would then refuse (1e-30, 1e308) or read as another number."""
    read, problem = resolve_plain(typed)
    if problem:
        return Decimal(0), problem if len(typed) <= 40 else problem.replace(typed, typed[:20] + "…")
    score = Decimal(read)
    again, problem = resolve_plain(number_text(score))
    if problem or Decimal(again) != score:
        return Decimal(0), f"{typed} cannot be written exactly in a scores file"
    return score, None

"""Score sheets: xlsx workbooks the evaluators fill in, and their import back into scores files.

`make.build_sheets` writes one workbook per evaluator; `read.import_sheets` turns returned
workbooks into `scores/<evaluator>.yaml`, helped by `workbook` (opening one, its hidden sheet),
`rows` (each bidder's row), `cells` (one score cell), `comments` (the comments sheet) and
`scores_file` (the file written, its revisions on --force). What both sides must agree on lives here.

Each workbook has a visible sheet to fill in and a hidden one (`META_SHEET`, state
veryHidden) that says what the visible cells mean. Its rows, top to bottom::

    schema     | bideval/score-sheet/v1
    rubric     | <rubric id> | <rubric file sha256>
    evaluator  | <evaluator id>
    sheet      | <title of the visible sheet>
    blind      | yes | no
    criterion  | <criterion id> | <column letter> [| <lot ids>]   (one per column)
    bidder     | <bidder id, or alias if blind> | <row> | <text shown in column A> [| <lot id>]
    comments   | <title of the comments sheet>
    check      | <sha256 of the rows above>

The bracketed cells are written only for a rubric with lots (issue 18): each bidder row names
the lot it bids for, and each column the lots whose bidders it asks about (space-separated).
A bidder is asked exactly the judged criteria of its lot's rubric (`Rubric.for_lot`); a cell
of a column its lot does not have is locked, grey and left empty. Without lots the rows are
as 0.2.0 wrote them.

The comments sheet (written since 0.5.0; a workbook without its row has none) is laid out like the
visible scores sheet — the same rows, columns, headings and grey cells — so the comment on the score
in cell C7 is in cell C7 of the comments sheet. A comment is the evaluator's written opinion on that
score (평가의견, up to `COMMENT_LIMIT` characters), read back under `comments:` of the scores file.

Columns are grouped by stage when the rubric has stages (see `columns`): every stage's items
are on the sheet, since sheets are made before the evaluation.

The check value catches edits to the hidden sheet (accidental or by hand); it is not a
seal against forgery — anyone can recompute it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from bideval.engine.rounding import plain
from bideval.model.procedure import Stage
from bideval.model.rubric import Criterion, Rubric

SHEET_SCHEMA = "bideval/score-sheet/v1"
ALIASES_SCHEMA = "bideval/aliases/v1"
META_SHEET = "bideval"
ID_ROW = 4  # criterion ids, above the header: lets the import notice moved columns
HEADER_ROW = 5
FIRST_ROW = 6  # first bidder
NAME_COLUMN = 1
FIRST_SCORE_COLUMN = 2
# Fixed places of the header rows in the hidden sheet (1-based), named in error messages.
META_RUBRIC_ROW, META_EVALUATOR_ROW = 2, 3


def meta_check(rows: list[list[Any]]) -> str:
    """The check value of the hidden sheet's rows: strings and ints as written, anything else
    (a date typed into an edited sheet) by its repr, so that it fails the check rather than crashing."""
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Column:
    """One score column of a sheet: a judged criterion as the lots it serves define it."""

    criterion: Criterion
    stage: Stage | None  # the stage its category belongs to; None without stages
    lots: tuple[str | None, ...]  # the lots whose bidders it asks about; (None,) without lots


def lot_judged(rubric: Rubric, lot: str | None) -> list[Criterion]:
    """The judged criteria a bid of `lot` is scored on, in rubric order: its lot's own, or the rubric's."""
    return (rubric.for_lot(rubric.lot(lot)) if lot is not None else rubric).judged()


def stage_of(rubric: Rubric, lot: str | None) -> dict[str, Stage]:
    """Judged criterion id → the stage its category (top-level criterion) belongs to, in `lot`'s rubric."""
    lot_rubric = rubric.for_lot(rubric.lot(lot)) if lot is not None else rubric
    stages = {cid: stage for stage in rubric.stages for cid in stage.criteria}
    return {leaf.id: stages[top.id] for top in lot_rubric.criteria if top.id in stages
            for leaf in top.walk() if leaf.method == "judged"}  # fmt: skip


def columns(rubric: Rubric, lots: list[str | None]) -> list[Column]:
    """The score columns for bidders of `lots`: stage by stage (in the rubric's stage order), lot by
    lot, each judged criterion in rubric order. A criterion several lots share (same id, label,
    points and scale) is one column; one that differs between lots is a column per definition.
    Without stages or lots this is `rubric.judged()`, in its order."""
    found: dict[tuple, Column] = {}
    for stage in rubric.stages or [None]:
        for lot in lots:
            stages = stage_of(rubric, lot)
            for criterion in lot_judged(rubric, lot):
                if stage is not None and getattr(stages.get(criterion.id), "id", None) != stage.id:
                    continue
                key = (criterion.id, repr(criterion.label), criterion.points, criterion.scale or "percent")
                column = found.get(key)
                found[key] = Column(criterion, stage, (column.lots if column else ()) + (lot,))
    return list(found.values())


def top_score(criterion: Criterion) -> Decimal:
    """The highest score an evaluator may give: 100 (%) or, on the points scale, the criterion's points."""
    return criterion.points if criterion.scale == "points" else Decimal(100)


def number_text(value: Decimal) -> str:
    """A score as written in YAML: exact, no exponent, no trailing zeros (27.0 → 27, 13.50 → 13.5)."""
    return format(plain(value), "f")


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as plain YAML numbers, exactly (the strict reader reads them back exactly)."""

    def ignore_aliases(self, data: Any) -> bool:
        # Two revisions of one re-import share its date: written twice, never as an anchor and an
        # alias (&id001 … *id001), which the strict reader refuses.
        return True


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = number_text(value)
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


class Prose(str):
    """Text someone wrote (an evaluator's comment, the reason for a revision): untrusted, written quoted
    so that no text (`yes`, `12`, `2025-01-01`, `=SUM(A1)`, `#`, a newline) reads back as anything else."""


def _represent_prose(dumper: yaml.SafeDumper, value: Prose) -> yaml.ScalarNode:
    # Several lines as a literal block when it holds them exactly (PyYAML falls back to double quotes when
    # it cannot: trailing spaces, tabs, control characters); one line, and any line break but LF, in
    # double quotes with escapes, which the strict reader reads back to the same text.
    block = "\n" in value and not any(ch in value for ch in "\r\x85\u2028\u2029\ufeff")
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|" if block else '"')


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(Prose, _represent_prose)


def dump_yaml(schema: str, comment: str, body: dict[str, Any]) -> bytes:
    """A YAML file: the `schema:` line, a comment line, then `body` in its own key order."""
    text = yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096,
                     default_flow_style=False)  # fmt: skip
    return f"schema: {schema}\n# {comment}\n{text}".encode()

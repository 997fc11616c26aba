"""Make the evaluators' score sheets: one xlsx workbook per evaluator (DESIGN §4).

The visible sheet lists the bidders the evaluator may score (conflicts left out) against
every judged criterion; only the score cells are unlocked, each with data validation for
its range. A veryHidden, protected sheet records what each row and column stands for
(see `bideval.sheets`), so the import never has to guess from visible text.

With stages, the columns go stage by stage and each heading starts with its stage's label in
brackets. With lots, the bidders are grouped under a heading row per lot, and each is asked
exactly the judged criteria of its lot: a cell of an item its lot does not have is locked,
grey and empty. A bidder whose lot has no judged criterion gets no row.

A second visible sheet takes the evaluator's comments (평가의견): the scores sheet's grid again — the
same bidder rows, item columns and grey cells — with wide, wrapping text cells, so the comment on the
score in C7 goes in C7 there. Its cells are unlocked text cells ("@": Excel keeps `=…` typed there as
text), each limited by data validation to `COMMENT_LIMIT` characters. It prints landscape with the
headings and bidder names repeated on every page. Comments are optional unless the rubric asks for
them; its notes say when it does.

With `blind`, bidders appear as aliases (Bidder A, B, …) and no bidder id or name is
written into any workbook; `aliases.yaml`, for the staff only, maps them back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bideval.errors import InputError, Problem
from bideval.load.inputs import Inputs
from bideval.model.rubric import Criterion, Rubric
from bideval.model.scores import COMMENT_LIMIT, Evaluator
from bideval.render.excel import clean_text, display_width, put, put_text, workbook_bytes
from bideval.render.i18n import t
from bideval.sheets import (
    ALIASES_SCHEMA,
    FIRST_ROW,
    FIRST_SCORE_COLUMN,
    HEADER_ROW,
    ID_ROW,
    META_SHEET,
    NAME_COLUMN,
    SHEET_SCHEMA,
    Column,
    columns,
    dump_yaml,
    lot_judged,
    meta_check,
    number_text,
    top_score,
)

_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill in: light yellow
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
# The headings of each stage's columns in turn (the first stage's is the usual header colour).
_STAGE_FILLS = (_HEADER_FILL, PatternFill("solid", fgColor="E2EFDA"), PatternFill("solid", fgColor="FCE4D6"))
_LOT_FILL = PatternFill("solid", fgColor="EDEDED")  # a lot's heading row
_NOT_ASKED_FILL = PatternFill("solid", fgColor="BFBFBF")  # an item the bidder's lot does not have
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SCORE_WIDTH = 18
_COMMENT_WIDTH = 40  # a comment column: about 20 Hangul or 40 Latin characters a line, wrapping
_WRAP_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)


@dataclass(frozen=True)
class _Row:
    key: str  # bidder id, or the alias when blind
    shown: str  # what column A shows: the bidder's name, or the alias
    lot: str | None = None  # the lot bid for (None without lots)


def build_sheets(inputs: Inputs, *, blind: bool, lang: str) -> dict[str, bytes]:
    """File name → bytes: `<evaluator id>.xlsx` for every evaluator, plus `aliases.yaml` if `blind`.

    Raises InputError when the rubric has nothing for a panel to score."""
    rubric = inputs.rubric
    if not any(lot_judged(rubric, lot) for lot in _lot_ids(rubric)):
        source = inputs.rubric_source.doc
        raise InputError([Problem(source.file, 0, 0, "the rubric has no judged criteria: there is nothing to put "
                                  "on a score sheet")])  # fmt: skip
    bidder_ids = [bid.bidder.id for bid, _ in inputs.bids]
    lot_of = {bid.bidder.id: bid.lot if rubric.lots else None for bid, _ in inputs.bids}
    if blind:
        aliases = _aliases(bidder_ids, inputs.rubric_source.sha256, lang)
        rows = [_Row(alias, alias, lot_of[bidder]) for alias, bidder in aliases.items()]
        owner = aliases  # alias → bidder id
    else:
        # Cleaned as put_text will store it, so the hidden sheet's record matches the cell.
        rows = [_Row(bid.bidder.id, clean_text(bid.bidder.name.text(lang)), lot_of[bid.bidder.id])
                for bid, _ in inputs.bids]  # fmt: skip
        owner = {bidder: bidder for bidder in bidder_ids}
    # Grouped by lot in the rubric's order (a stable sort keeps the order within a lot), and only
    # the bidders whose lot has something to score.
    order = {lot: i for i, lot in enumerate(_lot_ids(rubric))}
    rows = sorted((row for row in rows if lot_judged(rubric, row.lot)), key=lambda row: order[row.lot])
    files: dict[str, bytes] = {}
    for scores, _ in inputs.panel:
        evaluator = scores.evaluator
        own_rows = [row for row in rows if owner[row.key] not in evaluator.conflicts]
        workbook = _workbook(inputs, evaluator, own_rows, blind=blind, lang=lang)
        files[f"{evaluator.id}.xlsx"] = workbook_bytes(workbook, inputs.rubric.evaluation_date)
    if blind:
        files["aliases.yaml"] = dump_yaml(
            ALIASES_SCHEMA,
            "Keep this file with the staff: it says which bidder is behind each alias on the blind score sheets.",
            {"rubric": {"id": inputs.rubric.id, "sha256": inputs.rubric_source.sha256}, "aliases": owner},
        )
    return files


def _aliases(bidder_ids: list[str], rubric_sha256: str, lang: str) -> dict[str, str]:
    """Alias → bidder id. Letters follow a hash of the rubric file's sha256 and the id, not the id
    itself: in id order, "Bidder A" would give away the alphabetically first bidder. Deterministic,
    so two runs give the same files — and so not a secret from someone holding the rubric file
    and the bid ids; it only keeps the order from being obvious."""
    order = sorted(bidder_ids, key=lambda b: hashlib.sha256(f"{rubric_sha256}:{b}".encode()).hexdigest())
    return {t("sheet.alias", lang, letter=_letters(i)): bidder for i, bidder in enumerate(order)}


def _lot_ids(rubric: Rubric) -> list[str | None]:
    return [lot.id for lot in rubric.lots] or [None]


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: like spreadsheet columns, so any number of bidders gets a name."""
    return get_column_letter(index + 1)


def _workbook(inputs: Inputs, evaluator: Evaluator, rows: list[_Row], *, blind: bool, lang: str) -> Workbook:
    rubric = inputs.rubric
    present = list(dict.fromkeys(row.lot for row in rows)) or _lot_ids(rubric)
    wanted = columns(rubric, present)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("sheet.name", lang)
    notes = workbook.create_sheet(t("sheet.comments.name", lang))  # the comments sheet, after the scores
    _title(sheet, inputs, evaluator, len(wanted), _score_notes(rubric, wanted, notes.title, lang), lang)
    placed = _grid(sheet, rubric, rows, wanted, present, lang, comments=False)
    _title(notes, inputs, evaluator, len(wanted), _comment_notes(rubric, sheet.title, lang), lang)
    _grid(notes, rubric, rows, wanted, present, lang, comments=True)
    for each in (sheet, notes):
        _fit_notes(each, len(wanted))  # a row tall enough for the notes as they wrap
    _print_setup(notes)
    meta = workbook.create_sheet(META_SHEET)
    _meta(meta, inputs, evaluator, sheet.title, placed, wanted, blind, notes.title)
    meta.sheet_state = "veryHidden"  # not even listed under Excel's "Unhide…"
    meta.protection.sheet = True
    # Sheets cannot be added, removed, renamed or unhidden; no password, as the brief asks.
    workbook.security = WorkbookProtection(lockStructure=True)
    return workbook


def _title(sheet: Worksheet, inputs: Inputs, evaluator: Evaluator, width: int, lines: list[str], lang: str) -> None:
    """Rows 1–3 across the grid's `width` columns: the tender, the evaluator, and the notes (`lines`)."""
    last = get_column_letter(FIRST_SCORE_COLUMN + max(width, 1) - 1)
    put_text(sheet["A1"], inputs.rubric.title.text(lang)).font = Font(bold=True, size=14)
    put_text(sheet["A2"], t("sheet.evaluator", lang, name=evaluator.name.text(lang), id=evaluator.id))
    sheet["A2"].font = Font(bold=True)
    put_text(sheet["A3"], "\n".join(lines)).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 15 * (len(lines) + 1)
    for row in (1, 2, 3):
        sheet.merge_cells(f"A{row}:{last}{row}")


def _score_notes(rubric: Rubric, wanted: list[Column], comments: str, lang: str) -> list[str]:
    """The scores sheet's notes: what to enter, on which scales, how stages and lots work, where comments go."""
    scales = sorted({c.criterion.scale or "percent" for c in wanted})
    lines = [t("sheet.fill_in", lang), *(t(f"sheet.scale.{scale}", lang) for scale in scales)]
    if rubric.stages:
        lines.append(t("sheet.stages", lang))
    if rubric.lots:
        lines.append(t("sheet.lots", lang))
    return [*lines, t("sheet.comments.note", lang, sheet=comments)]


def _comment_notes(rubric: Rubric, scores: str, lang: str) -> list[str]:
    """The comments sheet's notes: where a comment goes, its limit, and the comments the rubric requires."""
    lines = [t("sheet.comments.fill_in", lang, sheet=scores, limit=f"{COMMENT_LIMIT:,}")]
    panel = rubric.panel
    if panel.comment_required == "all":
        lines.append(t("sheet.comments.required_all", lang))
    elif panel.comment_required_beyond is not None:
        lines.append(t("sheet.comments.required_beyond", lang, share=number_text(panel.comment_required_beyond)))
    if rubric.lots:
        lines.append(t("sheet.lots", lang))
    return lines


def _print_setup(sheet: Worksheet) -> None:
    """Landscape, the item headings and the bidder names repeated on every printed page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{ID_ROW}:{HEADER_ROW}"
    sheet.print_title_cols = "A:A"


def _fit_notes(sheet: Worksheet, columns: int) -> None:
    """Row 3's height for its lines as they wrap across the merged cells (an estimate: Excel does not
    fit merged cells itself), with a spare line as for the other sheets."""
    width = sum(sheet.column_dimensions[get_column_letter(c)].width or _SCORE_WIDTH
                for c in range(NAME_COLUMN, FIRST_SCORE_COLUMN + max(columns, 1)))  # fmt: skip
    lines = str(sheet["A3"].value).split("\n")
    wrapped = sum(max(1, -(-display_width(line) // max(int(width), 1))) for line in lines)
    sheet.row_dimensions[3].height = 15 * (wrapped + 1)


def _grid(sheet: Worksheet, rubric: Rubric, rows: list[_Row], wanted: list[Column], present: list[str | None],
          lang: str, *, comments: bool) -> list[tuple[int, _Row]]:  # fmt: skip
    """Header, a heading row per lot (with lots), one row per bidder, one column per judged criterion;
    only the cells a bidder is asked are unlocked: score cells, or with `comments` the wide text cells of
    the comments sheet, at the same places. Returns each bidder's row number."""
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    put_text(sheet.cell(ID_ROW, NAME_COLUMN), t("sheet.item_id", lang)).font = Font(color="808080", size=9)
    header = put_text(sheet.cell(HEADER_ROW, NAME_COLUMN), t("bidder", lang))
    header.font, header.fill, header.border, header.alignment = Font(bold=True), _HEADER_FILL, _BOX, centre
    placed, number, lot = [], FIRST_ROW, object()
    for row in rows:
        if rubric.lots and row.lot != lot:
            lot = row.lot
            _lot_heading(sheet, number, rubric, row.lot, len(wanted), lang)
            number += 1
        cell = put_text(sheet.cell(number, NAME_COLUMN), row.shown)
        cell.border, cell.alignment = _BOX, Alignment(vertical="center", wrap_text=True)
        placed.append((number, row))
        number += 1
    stage_ids = [stage.id for stage in rubric.stages]
    extra_lines = 0
    for j, column in enumerate(wanted):
        criterion = column.criterion
        number = FIRST_SCORE_COLUMN + j
        letter = get_column_letter(number)
        put_text(sheet.cell(ID_ROW, number), criterion.id).font = Font(color="808080", size=9)
        if comments:
            text = t("sheet.comments.column", lang, label=criterion.label.text(lang), limit=f"{COMMENT_LIMIT:,}")
        else:
            text = t("sheet.column", lang, label=criterion.label.text(lang), points=number_text(criterion.points),
                     range=_range(criterion, lang))  # fmt: skip
        lines = [text]
        if column.stage is not None:
            lines.insert(0, f"[{column.stage.label.text(lang)}]")
        if rubric.lots and set(column.lots) != set(present):
            labels = ", ".join(rubric.lot(lot_id).label.text(lang) for lot_id in column.lots)  # type: ignore[arg-type]
            lines.append(t("sheet.lots_only", lang, lots=labels))
        extra_lines = max(extra_lines, len(lines) - 1)
        cell = put_text(sheet.cell(HEADER_ROW, number), "\n".join(lines))
        fill = _STAGE_FILLS[stage_ids.index(column.stage.id) % len(_STAGE_FILLS)] if column.stage else _HEADER_FILL
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), fill, _BOX, centre
        asked = []
        for row_number, row in placed:
            score = sheet.cell(row_number, number)
            score.border = _BOX
            if row.lot in column.lots:
                score.protection = Protection(locked=False)
                score.fill, score.alignment = _INPUT_FILL, Alignment(horizontal="center")
                if comments:  # typed text stays text, `=…` included
                    score.alignment, score.number_format = _WRAP_TOP, "@"
                asked.append(row_number)
            else:
                score.fill = _NOT_ASKED_FILL
        if asked and comments:
            _length_validation(sheet, _ranges(letter, asked), lang)
        elif asked:
            _validation(sheet, _ranges(letter, asked), top_score(criterion), lang)
        sheet.column_dimensions[letter].width = _COMMENT_WIDTH if comments else _SCORE_WIDTH
    sheet.row_dimensions[HEADER_ROW].height = (48 if comments else 64) + 16 * extra_lines
    widest = max((display_width(row.shown) for row in rows), default=0)
    sheet.column_dimensions["A"].width = min(max(widest + 2, 14), 40)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, FIRST_SCORE_COLUMN)  # header rows and names stay in view
    # Protected without a password: locked cells cannot be typed over; columns and rows may be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    return placed


def _lot_heading(sheet: Worksheet, number: int, rubric: Rubric, lot: str | None, width: int, lang: str) -> None:
    """The row above a lot's bidders: the lot's label and id, across the sheet (locked)."""
    label = rubric.lot(lot).label.text(lang)  # type: ignore[arg-type]
    put_text(sheet.cell(number, NAME_COLUMN), t("sheet.lot_heading", lang, label=label, id=lot)).font = Font(bold=True)
    for column in range(NAME_COLUMN, FIRST_SCORE_COLUMN + width):
        sheet.cell(number, column).fill = _LOT_FILL


def _ranges(letter: str, rows: list[int]) -> str:
    """The cells of `rows` in one column as ranges of consecutive rows: "B6:B8 B10:B11"."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return " ".join(f"{letter}{first}:{letter}{last}" for first, last in runs)


def _range(criterion: Criterion, lang: str) -> str:
    if criterion.scale == "points":
        return t("sheet.range.points", lang, points=number_text(criterion.points))
    return t("sheet.range.percent", lang)


def _validation(sheet: Worksheet, cells: str, top: Decimal, lang: str) -> None:
    limit = number_text(top)
    rule = DataValidation(type="decimal", operator="between", formula1="0", formula2=limit, allow_blank=True,
                          showErrorMessage=True, errorStyle="stop", errorTitle=t("sheet.error_title", lang),
                          error=t("sheet.error", lang, top=limit))  # fmt: skip
    for cells_range in cells.split():
        rule.add(cells_range)
    sheet.add_data_validation(rule)


def _length_validation(sheet: Worksheet, cells: str, lang: str) -> None:
    """Comment cells: at most `COMMENT_LIMIT` characters (the import checks it again)."""
    limit = f"{COMMENT_LIMIT:,}"
    rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(COMMENT_LIMIT),
                          allow_blank=True, showErrorMessage=True, errorStyle="stop",
                          errorTitle=t("sheet.comments.error_title", lang),
                          error=t("sheet.comments.error", lang, limit=limit))  # fmt: skip
    for cells_range in cells.split():
        rule.add(cells_range)
    sheet.add_data_validation(rule)


def _meta(sheet: Worksheet, inputs: Inputs, evaluator: Evaluator, title: str, placed: list[tuple[int, _Row]],
          wanted: list[Column], blind: bool, comments: str) -> None:  # fmt: skip
    """The hidden sheet's rows (layout in `bideval.sheets`), ending with their check value."""
    lots = bool(inputs.rubric.lots)
    values: list[list[str | int]] = [
        ["schema", SHEET_SCHEMA],
        ["rubric", inputs.rubric.id, inputs.rubric_source.sha256],
        ["evaluator", evaluator.id],
        ["sheet", title],
        ["blind", "yes" if blind else "no"],
        *(["criterion", c.criterion.id, get_column_letter(FIRST_SCORE_COLUMN + j)]
          + ([" ".join(lot for lot in c.lots if lot)] if lots else []) for j, c in enumerate(wanted)),
        *(["bidder", row.key, number, row.shown] + ([row.lot or ""] if lots else []) for number, row in placed),
        ["comments", comments],
    ]
    values.append(["check", meta_check(values)])
    for r, row_values in enumerate(values, start=1):
        for c, value in enumerate(row_values, start=1):
            put(sheet.cell(r, c), value)

"""Make the evaluators' score sheets: one xlsx workbook per evaluator (DESIGN §4).

The visible sheet lists the bidders the evaluator may score (conflicts left out) against
every judged criterion; only the score cells are unlocked, each with data validation for
its range. A veryHidden, protected sheet records what each row and column stands for
(see `bideval.sheets`), so the import never has to guess from visible text.

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
from bideval.model.rubric import Criterion
from bideval.model.scores import Evaluator
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
    dump_yaml,
    meta_check,
    number_text,
    top_score,
)

_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill in: light yellow
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SCORE_WIDTH = 18


@dataclass(frozen=True)
class _Row:
    key: str  # bidder id, or the alias when blind
    shown: str  # what column A shows: the bidder's name, or the alias


def build_sheets(inputs: Inputs, *, blind: bool, lang: str) -> dict[str, bytes]:
    """File name → bytes: `<evaluator id>.xlsx` for every evaluator, plus `aliases.yaml` if `blind`.

    Raises InputError when the rubric has nothing for a panel to score."""
    if not inputs.rubric.judged():
        source = inputs.rubric_source.doc
        raise InputError([Problem(source.file, 0, 0, "the rubric has no judged criteria: there is nothing to put "
                                  "on a score sheet")])  # fmt: skip
    bidder_ids = [bid.bidder.id for bid, _ in inputs.bids]
    if blind:
        aliases = _aliases(bidder_ids, inputs.rubric_source.sha256, lang)
        rows = [_Row(alias, alias) for alias in aliases]
        owner = aliases  # alias → bidder id
    else:
        # Cleaned as put_text will store it, so the hidden sheet's record matches the cell.
        rows = [_Row(bid.bidder.id, clean_text(bid.bidder.name.text(lang))) for bid, _ in inputs.bids]
        owner = {bidder: bidder for bidder in bidder_ids}
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


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: like spreadsheet columns, so any number of bidders gets a name."""
    return get_column_letter(index + 1)


def _workbook(inputs: Inputs, evaluator: Evaluator, rows: list[_Row], *, blind: bool, lang: str) -> Workbook:
    judged = inputs.rubric.judged()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("sheet.name", lang)
    _title(sheet, inputs, evaluator, judged, lang)
    _grid(sheet, rows, judged, lang)
    meta = workbook.create_sheet(META_SHEET)
    _meta(meta, inputs, evaluator, sheet.title, rows, judged, blind)
    meta.sheet_state = "veryHidden"  # not even listed under Excel's "Unhide…"
    meta.protection.sheet = True
    # Sheets cannot be added, removed, renamed or unhidden; no password, as the brief asks.
    workbook.security = WorkbookProtection(lockStructure=True)
    return workbook


def _title(sheet: Worksheet, inputs: Inputs, evaluator: Evaluator, judged: list[Criterion], lang: str) -> None:
    last = get_column_letter(FIRST_SCORE_COLUMN + max(len(judged), 1) - 1)
    put_text(sheet["A1"], inputs.rubric.title.text(lang)).font = Font(bold=True, size=14)
    put_text(sheet["A2"], t("sheet.evaluator", lang, name=evaluator.name.text(lang), id=evaluator.id))
    sheet["A2"].font = Font(bold=True)
    scales = sorted({c.scale or "percent" for c in judged})
    lines = [t("sheet.fill_in", lang), *(t(f"sheet.scale.{scale}", lang) for scale in scales)]
    put_text(sheet["A3"], "\n".join(lines)).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 15 * (len(lines) + 1)
    for row in (1, 2, 3):
        sheet.merge_cells(f"A{row}:{last}{row}")


def _grid(sheet: Worksheet, rows: list[_Row], judged: list[Criterion], lang: str) -> None:
    """Header, one row per bidder, one column per judged criterion; only score cells unlocked."""
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    put_text(sheet.cell(ID_ROW, NAME_COLUMN), t("sheet.item_id", lang)).font = Font(color="808080", size=9)
    header = put_text(sheet.cell(HEADER_ROW, NAME_COLUMN), t("bidder", lang))
    header.font, header.fill, header.border, header.alignment = Font(bold=True), _HEADER_FILL, _BOX, centre
    for i, row in enumerate(rows):
        cell = put_text(sheet.cell(FIRST_ROW + i, NAME_COLUMN), row.shown)
        cell.border, cell.alignment = _BOX, Alignment(vertical="center", wrap_text=True)
    for j, criterion in enumerate(judged):
        column = FIRST_SCORE_COLUMN + j
        letter = get_column_letter(column)
        top = top_score(criterion)
        put_text(sheet.cell(ID_ROW, column), criterion.id).font = Font(color="808080", size=9)
        cell = put_text(sheet.cell(HEADER_ROW, column), t("sheet.column", lang, label=criterion.label.text(lang),
                        points=number_text(criterion.points), range=_range(criterion, lang)))  # fmt: skip
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), _HEADER_FILL, _BOX, centre
        for i in range(len(rows)):
            score = sheet.cell(FIRST_ROW + i, column)
            score.protection = Protection(locked=False)
            score.fill, score.border, score.alignment = _INPUT_FILL, _BOX, Alignment(horizontal="center")
        if rows:
            _validation(sheet, f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + len(rows) - 1}", top, lang)
        sheet.column_dimensions[letter].width = _SCORE_WIDTH
    sheet.row_dimensions[HEADER_ROW].height = 64
    widest = max((display_width(row.shown) for row in rows), default=0)
    sheet.column_dimensions["A"].width = min(max(widest + 2, 14), 40)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, FIRST_SCORE_COLUMN)  # header rows and names stay in view
    # Protected without a password: locked cells cannot be typed over; columns and rows may be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _range(criterion: Criterion, lang: str) -> str:
    if criterion.scale == "points":
        return t("sheet.range.points", lang, points=number_text(criterion.points))
    return t("sheet.range.percent", lang)


def _validation(sheet: Worksheet, cells: str, top: Decimal, lang: str) -> None:
    limit = number_text(top)
    rule = DataValidation(type="decimal", operator="between", formula1="0", formula2=limit, allow_blank=True,
                          showErrorMessage=True, errorStyle="stop", errorTitle=t("sheet.error_title", lang),
                          error=t("sheet.error", lang, top=limit))  # fmt: skip
    rule.add(cells)
    sheet.add_data_validation(rule)


def _meta(sheet: Worksheet, inputs: Inputs, evaluator: Evaluator, title: str, rows: list[_Row],
          judged: list[Criterion], blind: bool) -> None:  # fmt: skip
    """The hidden sheet's rows (layout in `bideval.sheets`), ending with their check value."""
    values: list[list[str | int]] = [
        ["schema", SHEET_SCHEMA],
        ["rubric", inputs.rubric.id, inputs.rubric_source.sha256],
        ["evaluator", evaluator.id],
        ["sheet", title],
        ["blind", "yes" if blind else "no"],
        *(["criterion", c.id, get_column_letter(FIRST_SCORE_COLUMN + j)] for j, c in enumerate(judged)),
        *(["bidder", row.key, FIRST_ROW + i, row.shown] for i, row in enumerate(rows)),
    ]
    values.append(["check", meta_check(values)])
    for r, row_values in enumerate(values, start=1):
        for c, value in enumerate(row_values, start=1):
            put(sheet.cell(r, c), value)

"""The committee in scorecard.xlsx (issue 22): the Panel sheet with each comment, the moderated panel's
agreed score and rationale, and the Revisions sheet.

Panel: a row per evaluator's score of a judged item of a bid, as before, then the evaluator's written
opinion (평가의견) in a last, wrapped column, so the filterable number columns stay where they were and
the long text sits at the sheet's right edge. A moderated item has first a row for the panel's agreed
score (status "agreed", evaluator "Panel", its rationale in the comment column), then each evaluator's
own score marked "recorded"; under moderation the last number column is the agreed score, not a
trimmed mean. Revisions: a sheet of every score revision, only when the Result has any (as Stages and
Adjustments are there only when the rubric has them). Comments, rationales and reasons are untrusted
text: written through excel.put (never a formula) and wrapped.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from bideval.engine.result import BidResult, Result
from bideval.render.i18n import t
from bideval.render.xlsx_procedure import lot_cell, lot_head
from bideval.render.xlsx_sheet import table, title

TOP = 4  # the header row of both sheets
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP_ALIGNED = Alignment(vertical="top")


def panel_sheet(ws: Worksheet, result: Result, lang: str) -> None:
    title(ws, result, lang, t("consistency_title", lang))
    moderated = result.rubric.panel.get("method") == "moderated"
    names = {e.id: e.name.text(lang) for e in result.evaluators}
    headers = lot_head(result, lang) + ["id", t("bidder", lang), "criterion", t("criterion", lang),
                                        t("evaluator", lang) + " id", t("evaluator", lang), t("score", lang),
                                        t("status", lang),
                                        t("scorecard.agreed_score" if moderated else "panel_mean", lang),
                                        t("scorecard.comment_rationale" if moderated else "scorecard.comment", lang)]  # fmt: skip
    rows = []
    for bid in result.bids:
        labels = {c.id: c.label.text(lang) for c in result.rubric.criteria_of(bid.lot)}
        for score in bid.criteria:
            panel = score.panel
            if panel is None:
                continue
            lead = lot_cell(result, bid, lang) + [bid.bidder_id, bid.name.text(lang), score.id,
                                                  labels.get(score.id, score.id)]  # fmt: skip
            if panel.method == "moderated":
                rows.append(lead + [None, t("scorecard.panel", lang), panel.mean, t("scorecard.agreed", lang),
                                    panel.mean, panel.rationale])  # fmt: skip
            for entry in panel.scores:
                rows.append(lead + [entry.evaluator, names.get(entry.evaluator, entry.evaluator), entry.score,
                                    t(f"panel.{entry.status}", lang), panel.mean, entry.comment])  # fmt: skip
    table(ws, TOP, headers, rows)
    _wrap(ws, len(headers), rows)


def revisions_sheet(ws: Worksheet, result: Result, lang: str) -> None:
    """Every revision in the Result's order (bidder, criterion, evaluator, date): the score before, the
    score that counts, the day and the reason, beside the same id columns as the Panel sheet."""
    title(ws, result, lang, t("scorecard.revisions", lang))
    names = {e.id: e.name.text(lang) for e in result.evaluators}
    bids = {b.bidder_id: b for b in result.bids}
    headers = lot_head(result, lang) + ["id", t("bidder", lang), "criterion", t("criterion", lang),
                                        t("evaluator", lang) + " id", t("evaluator", lang),
                                        t("scorecard.previous", lang), t("scorecard.current", lang),
                                        t("scorecard.revised_on", lang), t("scorecard.reason", lang)]  # fmt: skip
    rows = []
    for revision in result.revisions:
        bid = bids.get(revision.bidder)
        rows.append(_bid_cells(result, bid, revision.bidder, revision.criterion, lang) + [
            revision.evaluator, names.get(revision.evaluator, revision.evaluator), revision.previous,
            revision.score, revision.date, revision.reason])  # fmt: skip
    table(ws, TOP, headers, rows)
    _wrap(ws, len(headers), rows)


def _bid_cells(result: Result, bid: BidResult | None, bidder: str, criterion: str, lang: str) -> list[Any]:
    """The lot, bidder and criterion cells of a row about `bidder`'s `criterion` (ids when the Result has no such bid)."""
    if bid is None:
        return [None] * len(lot_head(result, lang)) + [bidder, bidder, criterion, criterion]
    labels = {c.id: c.label.text(lang) for c in result.rubric.criteria_of(bid.lot)}
    return lot_cell(result, bid, lang) + [bid.bidder_id, bid.name.text(lang), criterion, labels.get(criterion, criterion)]


def _wrap(ws: Worksheet, column: int, rows: list[list[Any]]) -> None:
    """The last column's text wraps within its width (xlsx_sheet.widths caps it); the row's other
    cells align to the top beside it. Only rows with text are touched, so a panel of thousands of
    uncommented scores costs nothing here."""
    for offset, values in enumerate(rows, start=1):
        if not values[column - 1]:
            continue
        for index, cell in enumerate(ws[TOP + offset][:column], start=1):
            cell.alignment = WRAPPED if index == column else TOP_ALIGNED

"""The procedure in scorecard.xlsx (issue 18): lots, stages, bonus and penalty points, rounds, suitability.

Every part appears only when the rubric has it, so a scorecard of a call without them is as before.
Lots: one workbook, a lot column first in every bid table (filter on it) and the rank within the lot,
which is the rank the Result records. The criteria matrix groups rows by criteria tree when a lot
has criteria of its own (`RubricInfo.criteria_of`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from bideval.engine.result import BidResult, CriterionInfo, Result, Suitability
from bideval.render.common import (
    adjustment_rule_text,
    caps_text,
    check_label,
    combine_text,
    lot_outcome_text,
    round_outcome_text,
    stage_rule_text,
    stage_state,
    suitability_verdict,
)
from bideval.render.excel import put
from bideval.render.i18n import t
from bideval.render.xlsx_sheet import BOLD, block, table, title

# --- lots -------------------------------------------------------------------------------------------


def lot_label(result: Result, lot: str | None, lang: str) -> str:
    info = next((info for info in result.rubric.lots if info.id == lot), None)
    return info.label.text(lang) if info else (lot or "")


def lot_head(result: Result, lang: str) -> list[str]:
    """The lot column's header, when the rubric has lots."""
    return [t("lot", lang)] if result.rubric.lots else []


def lot_cell(result: Result, bid: BidResult | Suitability, lang: str) -> list[Any]:
    """The lot column's cell (the lot's label), when the rubric has lots."""
    return [lot_label(result, bid.lot, lang)] if result.rubric.lots else []


def lot_outcome_lines(result: Result, lang: str) -> list[str]:
    """One line per lot: its label, id and outcome (worded by render.common, as the report words it)."""
    return [f"{info.label.text(lang)} [{info.id}]: {lot_outcome_text(result, info, lang)}"
            for info in result.rubric.lots if info.id in result.outcome.lots]  # fmt: skip


def criteria_sets(result: Result) -> list[tuple[list[str], list[CriterionInfo]]]:
    """The criteria trees bids were scored on, each with the lots scored on it ([] without lots),
    in rubric order: the rubric's own first (when a lot uses it), then each lot's own."""
    rubric = result.rubric
    if not rubric.lots:
        return [([], rubric.criteria)]
    shared = [info.id for info in rubric.lots if info.criteria is None]
    own = [([info.id], info.criteria) for info in rubric.lots if info.criteria is not None]
    return ([(shared, rubric.criteria)] if shared or not own else []) + own


def categories_of(result: Result, lot: str | None) -> list[CriterionInfo]:
    return [c for c in result.rubric.criteria_of(lot) if c.parent is None]


def category_columns(result: Result) -> list[CriterionInfo]:
    """The top-level criteria of every criteria tree in use: the category columns of the summary."""
    columns: list[CriterionInfo] = []
    for _, criteria in criteria_sets(result):
        columns += [c for c in criteria if c.parent is None and c not in columns]
    return columns


def category_score(result: Result, bid: BidResult, column: CriterionInfo) -> Decimal | None:
    """The bid's score in a category column, blank when the column is another lot's category."""
    return bid.categories.get(column.id) if column in categories_of(result, bid.lot) else None


# --- the summary's columns and blocks ---------------------------------------------------------------


def stage_heads(result: Result, lang: str) -> list[str]:
    heads = []
    for stage in result.rubric.stages:
        label = stage.label.text(lang)
        heads += [f"{label} ({stage.maximum})", f"{label} — {t('stages.result', lang)}"]
    return heads


def stage_cells(result: Result, bid: BidResult, lang: str) -> list[Any]:
    """Each stage's score and result; blank for a bid scored in no stage (excluded at the gates)."""
    reached = {s.id: s for s in bid.stages}
    cells: list[Any] = []
    for stage in result.rubric.stages:
        got = reached.get(stage.id)
        cells += [got.score if got else None, stage_state(got, lang) if got else None]
    return cells


def adjustment_heads(result: Result, lang: str) -> list[str]:
    rubric = result.rubric
    if not rubric.adjustments:
        return []
    limits = [f"+{rubric.max_bonus}" if rubric.max_bonus is not None else "",
              f"−{rubric.max_penalty}" if rubric.max_penalty is not None else ""]  # fmt: skip
    caps = " / ".join(c for c in limits if c)
    return [f"{t('adj.base_total', lang)} ({rubric.total_points})",
            t("adj.sum", lang) + (f" ({caps})" if caps else "")]  # fmt: skip


def adjustment_cells(result: Result, bid: BidResult) -> list[Any]:
    """The score before, and the bonus and penalty points that count (Σ, signed); blank when none applied."""
    if not result.rubric.adjustments:
        return []
    net = sum((a.points for a in bid.adjustments), Decimal(0)) if bid.adjustments else None
    return [bid.base_total, net]


def shows_rounds(result: Result) -> bool:
    """The rounds are shown when the rubric records a call of more than one round, or a round's date or note."""
    rounds = result.outcome.rounds
    return len(rounds) > 1 or any(r.announced or r.note for r in rounds)


def rounds_block(ws: Worksheet, top: int, result: Result, lang: str) -> int:
    headers = [t("rounds.round", lang), t("rounds.announced", lang), t("rounds.applicants", lang),
               t("rounds.outcome", lang), t("rounds.evaluated", lang), t("rounds.note", lang)]  # fmt: skip
    rows = [[r.round, r.announced, r.applicants, round_outcome_text(r.outcome, lang), r.evaluated,
             r.note.text(lang) if r.note else None] for r in result.outcome.rounds]  # fmt: skip
    return block(ws, top, t("rounds.title", lang), headers, rows)


def suitability_blocks(ws: Worksheet, top: int, result: Result, lang: str) -> int:
    """Each sole applicant's verdict in the caption, then every check with what it required and found."""
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    headers = ["id", t("bidder", lang), *lot_head(result, lang), "check", t("suitability.check", lang),
               t("required", lang), t("suitability.actual", lang), t("passed", lang)]  # fmt: skip
    for entry in result.outcome.suitability:
        verdict = suitability_verdict(entry, lang)
        caption = f"{t('suitability.title', lang)} — {names.get(entry.bidder, entry.bidder)}: {verdict}"
        rows = [[entry.bidder, names.get(entry.bidder, entry.bidder), *lot_cell(result, entry, lang), check.id,
                 check_label(check.id, result, lang), check.required, check.actual, check.passed]
                for check in entry.checks]  # fmt: skip
        top = block(ws, top, caption, headers, rows)
    return top


# --- sheets -----------------------------------------------------------------------------------------


def stages_sheet(ws: Worksheet, result: Result, lang: str) -> None:
    """Bid × stage: the stage's points, its pass rule, the score it asks, the bid's score and result."""
    rubric = result.rubric
    title(ws, result, lang, f"{t('stages.title', lang)} · {combine_text(result, lang)}")
    weighted = any(stage.weight != 1 for stage in rubric.stages)
    headers = [*lot_head(result, lang), "id", t("bidder", lang), "stage", t("stages.stage", lang)]
    headers += [t("stages.weight", lang)] if weighted else []
    headers += [t("stages.maximum", lang), t("stages.pass_rule", lang), t("required", lang), t("score", lang),
                t("passed", lang), t("stages.result", lang)]  # fmt: skip
    infos = {stage.id: stage for stage in rubric.stages}
    rows = []
    for bid in result.bids:
        for stage in bid.stages:
            info = infos.get(stage.id)
            row: list[Any] = [*lot_cell(result, bid, lang), bid.bidder_id, bid.name.text(lang), stage.id,
                              info.label.text(lang) if info else stage.id]  # fmt: skip
            row += [info.weight if info else None] if weighted else []
            row += [stage.maximum, stage_rule_text(info, lang) if info else None, stage.required, stage.score,
                    stage.passed, stage_state(stage, lang)]  # fmt: skip
            rows.append(row)
    table(ws, 4, headers, rows)


def adjustments_sheet(ws: Worksheet, result: Result, lang: str) -> None:
    """Bid × bonus or penalty item: the value the rule reads, what it earned, the points that count, why."""
    rubric = result.rubric
    title(ws, result, lang, f"{t('adj.title', lang)} · {caps_text(result, lang)}")
    headers = [*lot_head(result, lang), "id", t("bidder", lang), "item", t("adj.item", lang), t("adj.kind", lang),
               t("adj.rule", lang), t("adj.value", lang), t("adj.earned", lang), t("adj.points", lang),
               t("adj.reason", lang)]  # fmt: skip
    rules = {item.id: adjustment_rule_text(item, lang) for item in rubric.adjustments}
    rows = []
    for bid in result.bids:
        for item in bid.adjustments:
            rows.append([*lot_cell(result, bid, lang), bid.bidder_id, bid.name.text(lang), item.id,
                         item.label.text(lang), t(f"adj.kind.{item.kind}", lang), rules.get(item.id), item.value,
                         item.earned, item.points, t(f"adj.reason.{item.reason}", lang)])  # fmt: skip
    table(ws, 4, headers, rows)


def summary_blocks(ws: Worksheet, top: int, result: Result, lang: str) -> int:
    """The rounds of the call and the suitability checks, under the ranking table; the next free row."""
    if shows_rounds(result):
        top = rounds_block(ws, top, result, lang)
    if result.outcome.suitability:
        top = suitability_blocks(ws, top, result, lang)
    return top


def outcome_lines(ws: Worksheet, row: int, result: Result, lang: str) -> int:
    """Each lot's outcome under the call's, bold; the row after them."""
    for line in lot_outcome_lines(result, lang):
        put(ws.cell(row=row, column=1), line).font = BOLD
        row += 1
    return row

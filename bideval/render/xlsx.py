"""scorecard.xlsx (openpyxl): the evaluation as workbook sheets for the file and for bidders.

Sheets (names are stable identifiers in every language; headers follow --lang):
Summary · Criteria · Stages · Adjustments · Metrics · Panel · Revisions · Gates · Provenance (· Analysis).
Stages and Adjustments are there only when the rubric has stages or bonus and penalty points, Revisions
only when an evaluator revised a score; with lots, every bid table has a lot column first
(bideval/render/xlsx_procedure.py). The Panel sheet carries each evaluator's comment and a moderated
panel's agreed score and rationale (bideval/render/xlsx_panel.py). Every number is
the Result's own Decimal, shown with exactly its own digits, so the workbook reads the same as
results.json.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bideval.engine.result import CriterionInfo, Result
from bideval.model.fields import METRICS
from bideval.render.analysis_tables import analysis_tables
from bideval.render.common import Words, adjustment_rule_text, outcome_text, reason_text, rules_text, shows_technical
from bideval.render.excel import put, workbook_bytes
from bideval.render.i18n import t
from bideval.render.xlsx_panel import panel_sheet, revisions_sheet
from bideval.render.xlsx_procedure import (
    adjustment_cells,
    adjustment_heads,
    adjustments_sheet,
    category_columns,
    category_score,
    criteria_sets,
    lot_cell,
    lot_head,
    lot_label,
    lot_outcome_lines,
    outcome_lines,
    stage_cells,
    stage_heads,
    stages_sheet,
    summary_blocks,
)
from bideval.render.xlsx_sheet import BOLD, HEADER_FILL, cell, number_format, table, title

if TYPE_CHECKING:
    from bideval.analysis.run import Analysis

__all__ = ["number_format", "render_xlsx"]


def render_xlsx(result: Result, lang: str, analysis: Analysis | None = None) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    _summary(summary, result, lang)
    _criteria(workbook.create_sheet("Criteria"), result, lang)
    if result.rubric.stages:
        stages_sheet(workbook.create_sheet("Stages"), result, lang)
    if result.rubric.adjustments:
        adjustments_sheet(workbook.create_sheet("Adjustments"), result, lang)
    _metrics(workbook.create_sheet("Metrics"), result, lang)
    panel_sheet(workbook.create_sheet("Panel"), result, lang)
    if result.revisions:
        revisions_sheet(workbook.create_sheet("Revisions"), result, lang)
    _gates(workbook.create_sheet("Gates"), result, lang)
    _provenance(workbook.create_sheet("Provenance"), result, lang)
    if analysis is not None:
        _analysis(workbook.create_sheet("Analysis"), result, analysis, lang)
    return workbook_bytes(workbook, result.rubric.evaluation_date)


def _summary(ws: Worksheet, result: Result, lang: str) -> None:
    """The outcome (and each lot's), the ranking table, then the rounds, the suitability checks and the chart."""
    rubric = result.rubric
    title(ws, result, lang, f"{rubric.issuer.text(lang)} · {t('evaluation_date', lang)} "
                            f"{rubric.evaluation_date.isoformat()}")  # fmt: skip
    put(ws.cell(row=3, column=1), f"{t('outcome', lang)}: {outcome_text(result, lang)}").font = BOLD
    top = outcome_lines(ws, 4, result, lang) + 1
    columns = category_columns(result)
    lead = lot_head(result, lang) + [t("rank", lang), "id", t("bidder", lang)]
    headers = lead + [f"{c.label.text(lang)} ({c.points})" for c in columns]
    headers += [t("technical", lang)] if shows_technical(result) else []
    headers += stage_heads(result, lang) + adjustment_heads(result, lang)
    total = t("total", lang) if rubric.adjustments else f"{t('total', lang)} ({rubric.total_points})"
    headers += [total, f"{t('price', lang)} ({rubric.currency})", t("status", lang), t("reasons", lang)]
    rows, words = [], Words.of(result, lang)
    for bid in result.bids:
        row: list[Any] = lot_cell(result, bid, lang) + [bid.rank, bid.bidder_id, bid.name.text(lang)]
        row += [category_score(result, bid, c) for c in columns]
        row += [bid.technical.score if bid.technical else None] if shows_technical(result) else []
        row += stage_cells(result, bid, lang) + adjustment_cells(result, bid)
        reasons = "; ".join(reason_text(r, words) for r in bid.reasons if r.code != "not_selected_rank")
        row += [bid.total, bid.price, t(f"status.{bid.status}", lang), reasons]
        rows.append(row)
    table(ws, top, headers, rows)
    below = summary_blocks(ws, top + max(len(rows), 1) + 2, result, lang)
    _category_chart(ws, result, lang, below=below,
                    category_headers=headers[len(lead):len(lead) + len(columns)])  # fmt: skip


def _category_chart(ws: Worksheet, result: Result, lang: str, below: int, category_headers: list[str]) -> None:
    """Native stacked bar chart of the category scores of the bids with a total, from rows of its own.

    The table above cannot be the chart's data: a bid without a total (gate failed) may sit between
    scored ones, since unranked bids follow in bidder-id order whatever their status. So the chart
    reads a block written from `below` on: caption, header, then the bids with a total in Result order
    (rank order, then bidder id), with the same rank, id and name columns as the table."""
    scored = [b for b in result.bids if b.total is not None]
    if not scored or not category_headers:
        return
    put(ws.cell(row=below, column=1), t("chart_data", lang)).font = BOLD
    header_row = below + 1
    for column, text in enumerate([t("rank", lang), "id", t("bidder", lang), *category_headers], start=1):
        written = put(ws.cell(row=header_row, column=column), text)
        written.font, written.fill = BOLD, HEADER_FILL
    columns = category_columns(result)
    for offset, bid in enumerate(scored, start=1):
        values = [bid.rank, bid.bidder_id, bid.name.text(lang)] + [category_score(result, bid, c) for c in columns]
        for column, value in enumerate(values, start=1):
            cell(ws, header_row + offset, column, value)
    last_row = header_row + len(scored)
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = t("chart_categories", lang)
    total = float(max(_points(criteria) for _, criteria in criteria_sets(result)))
    chart.y_axis.scaling.min = 0
    chart.y_axis.number_format = "0"  # whole points on the axis
    # Rank 1 at the top, as in the table and the report (a bar chart draws its first row lowest),
    # with the score axis kept below the bars.
    chart.x_axis.scaling.orientation, chart.y_axis.crosses = "maxMin", "max"
    if total > 0:
        chart.y_axis.scaling.max = total
    data = Reference(ws, min_col=4, max_col=3 + len(category_headers), min_row=header_row, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=3, min_row=header_row + 1, max_row=last_row))
    chart.height, chart.width = 7 + 0.6 * len(scored), 18
    ws.add_chart(chart, f"A{last_row + 2}")


def _points(criteria: list[CriterionInfo]) -> Decimal:
    """The points of a criteria tree: its categories' (the rubric's total_points for the rubric's own)."""
    return sum((c.points for c in criteria if c.parent is None), Decimal(0))


def _criteria(ws: Worksheet, result: Result, lang: str) -> None:
    """Criterion × bid. With lots, row 3 names each bid's lot; when a lot has criteria of its own, a
    lot column groups the rows by criteria tree and a bid's column is filled only in its tree's rows."""
    rubric = result.rubric
    title(ws, result, lang, t("criteria_scores", lang))
    sets = criteria_sets(result)
    grouped = len(sets) > 1
    lead = [t("lot", lang)] if grouped else []
    headers = lead + ["id", t("criterion", lang), t("points", lang), t("method", lang), t("formula", lang)]
    headers += [b.name.text(lang) for b in result.bids]
    if rubric.lots:
        put(ws.cell(row=3, column=1), t("lot", lang)).font = BOLD
        for column, bid in enumerate(result.bids, start=len(headers) - len(result.bids) + 1):
            put(ws.cell(row=3, column=column), lot_label(result, bid.lot, lang)).font = BOLD
    scores = {b.bidder_id: {c.id: c.score for c in b.criteria} for b in result.bids}
    rows = []
    for lots, criteria in sets:
        first = [", ".join(lot_label(result, lot, lang) for lot in lots)] if grouped else []
        member = [rubric.criteria_of(b.lot) is criteria for b in result.bids]
        for info in criteria:
            label = "    " * info.depth + info.label.text(lang)
            method = t(f"method.{info.method}", lang) if info.method else t("sum_of_children", lang)
            formula = info.formula.text(lang) if info.formula else ""
            row: list[Any] = first + [info.id, label, info.points, method, formula]
            row += [scores[b.bidder_id].get(info.id) if m else None for b, m in zip(result.bids, member)]
            rows.append(row)
        for total in _total_rows(result, lang, criteria):
            rows.append(first + total[:5] + [v if m else None for v, m in zip(total[5:], member)])
    table(ws, 4, headers, rows)


def _total_rows(result: Result, lang: str, criteria: list[CriterionInfo]) -> list[list[Any]]:
    """The rows under a criteria tree: the total; with bonus and penalty points, the score before
    them, each item's points (signed) and the total."""
    rubric, bids = result.rubric, result.bids
    if not rubric.adjustments:
        return [["total", t("total", lang), _points(criteria), "", ""] + [b.total for b in bids]]
    rows = [["base_total", t("adj.base_total", lang), _points(criteria), "", ""] + [b.base_total for b in bids]]
    for item in rubric.adjustments:
        cap = item.max if item.max is not None else item.points if item.rule == "boolean" else None
        points = [next((a.points for a in b.adjustments if a.id == item.id), None) for b in bids]
        rows.append([item.id, item.label.text(lang), cap, t(f"adj.kind.{item.kind}", lang),
                     adjustment_rule_text(item, lang)] + points)
    rows.append(["total", t("total", lang), None, "", ""] + [b.total for b in bids])
    return rows


def _metrics(ws: Worksheet, result: Result, lang: str) -> None:
    title(ws, result, lang, t("metrics", lang))
    headers = lot_head(result, lang) + ["id", t("bidder", lang)] + [f"{t('metric.' + m, lang)} [{m}]" for m in METRICS]
    rows = [lot_cell(result, b, lang) + [b.bidder_id, b.name.text(lang)] + [b.metrics.get(m) for m in METRICS]
            for b in result.bids]  # fmt: skip
    table(ws, 4, headers, rows)


def _gates(ws: Worksheet, result: Result, lang: str) -> None:
    title(ws, result, lang, t("gates", lang))
    headers = lot_head(result, lang) + ["id", t("bidder", lang), "gate", t("gate", lang), "field", "op",
                                        t("required", lang), t("actual", lang), t("passed", lang)]  # fmt: skip
    rows = []
    for bid in result.bids:
        for gate in bid.gates:
            required = ", ".join(str(v) for v in gate.value) if isinstance(gate.value, list) else gate.value
            rows.append(lot_cell(result, bid, lang) + [bid.bidder_id, bid.name.text(lang), gate.id,
                        gate.label.text(lang), gate.field, gate.op, required, gate.actual, gate.passed])  # fmt: skip
    table(ws, 4, headers, rows)


def _provenance(ws: Worksheet, result: Result, lang: str) -> None:
    title(ws, result, lang, t("appendix_title", lang))
    facts = [("bideval", result.tool_version), ("rubric", result.rubric.id),
             (t("evaluation_date", lang), result.rubric.evaluation_date.isoformat()),
             (t("outcome", lang), outcome_text(result, lang))]  # fmt: skip
    rows: list[list[Any]] = [[key, value, ""] for key, value in facts]
    rows += [[t("lot", lang), line, ""] for line in lot_outcome_lines(result, lang)]
    rows += [[t(f"role.{f.role}", lang), f.name, f.sha256] for f in result.inputs]
    rows += [[t("rules_title", lang), rule, ""] for rule in rules_text(result, lang)]
    table(ws, 4, [t("role", lang), t("file", lang), "SHA-256"], rows)


def _analysis(ws: Worksheet, result: Result, analysis: Analysis, lang: str) -> None:
    """The analysis tables one under another (no filters: several tables share the sheet)."""
    title(ws, result, lang, f"{t('analysis_title', lang)} — {t('analysis_note', lang)}")
    row = 4
    for caption, headers, rows in analysis_tables(analysis, lang):
        put(ws.cell(row=row, column=1), caption).font = BOLD
        for column, text in enumerate(headers, start=1):
            written = put(ws.cell(row=row + 1, column=column), text)
            written.font, written.fill = BOLD, HEADER_FILL
        for offset, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                cell(ws, row + offset, column, value)
        row += len(rows) + 3
    for column in range(1, 7):
        ws.column_dimensions[get_column_letter(column)].width = 30 if column == 1 else 22

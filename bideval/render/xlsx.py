"""scorecard.xlsx (openpyxl): the evaluation as workbook sheets for the file and for bidders.

Sheets (names are stable identifiers in every language; headers follow --lang):
Summary · Criteria · Metrics · Panel · Gates · Provenance. Every number is the Result's
own Decimal, shown with exactly its own digits, so the workbook reads the same as results.json.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bideval.engine.result import Result
from bideval.model.fields import METRICS
from bideval.render.analysis_tables import analysis_tables
from bideval.render.common import Words, categories, outcome_text, reason_text, rules_text, shows_technical
from bideval.render.excel import display_width, put, workbook_bytes
from bideval.render.i18n import t

if TYPE_CHECKING:
    from bideval.analysis.run import Analysis

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)


def render_xlsx(result: Result, lang: str, analysis: Analysis | None = None) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    _summary(summary, result, lang)
    _criteria(workbook.create_sheet("Criteria"), result, lang)
    _metrics(workbook.create_sheet("Metrics"), result, lang)
    _panel(workbook.create_sheet("Panel"), result, lang)
    _gates(workbook.create_sheet("Gates"), result, lang)
    _provenance(workbook.create_sheet("Provenance"), result, lang)
    if analysis is not None:
        _analysis(workbook.create_sheet("Analysis"), result, analysis, lang)
    return workbook_bytes(workbook, result.rubric.evaluation_date)


def number_format(value: Any) -> str:
    """Excel format showing `value` with exactly the digits results.json has: 6.0000 → 0.0000."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return "General"
    places = -value.as_tuple().exponent if isinstance(value, Decimal) else 0
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def _cell(ws: Worksheet, row: int, column: int, value: Any) -> None:
    cell = put(ws.cell(row=row, column=column), value)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        cell.number_format = number_format(value)


def _table(ws: Worksheet, top: int, headers: list[str], rows: list[list[Any]]) -> None:
    """A header row at `top` (frozen, filtered) and the rows under it."""
    for column, header in enumerate(headers, start=1):
        cell = put(ws.cell(row=top, column=column), header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            _cell(ws, top + offset, column, value)
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{top + max(len(rows), 1)}"
    _widths(ws, headers, rows)


def _widths(ws: Worksheet, headers: list[str], rows: list[list[Any]]) -> None:
    for column, header in enumerate(headers, start=1):
        texts = [header] + [_shown(row[column - 1]) for row in rows if column <= len(row)]
        width = max(display_width(text) for text in texts)
        ws.column_dimensions[get_column_letter(column)].width = min(max(8, width + 2), 60)


def _shown(value: Any) -> str:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


def _title(ws: Worksheet, result: Result, lang: str, subtitle: str) -> None:
    put(ws.cell(row=1, column=1), result.rubric.title.text(lang)).font = Font(bold=True, size=14)
    put(ws.cell(row=2, column=1), subtitle)


def _summary(ws: Worksheet, result: Result, lang: str) -> None:
    rubric = result.rubric
    _title(ws, result, lang, f"{rubric.issuer.text(lang)} · {t('evaluation_date', lang)} "
                             f"{rubric.evaluation_date.isoformat()}")  # fmt: skip
    put(ws.cell(row=3, column=1), f"{t('outcome', lang)}: {outcome_text(result, lang)}").font = BOLD
    columns = categories(result)
    headers = [t("rank", lang), "id", t("bidder", lang)]
    headers += [f"{c.label.text(lang)} ({c.points})" for c in columns]
    headers += [t("technical", lang)] if shows_technical(result) else []
    headers += [f"{t('total', lang)} ({rubric.total_points})", f"{t('price', lang)} ({rubric.currency})",
                t("status", lang), t("reasons", lang)]  # fmt: skip
    rows, words = [], Words.of(result, lang)
    for bid in result.bids:
        row: list[Any] = [bid.rank, bid.bidder_id, bid.name.text(lang)]
        row += [bid.categories.get(c.id) for c in columns]
        row += [bid.technical.score if bid.technical else None] if shows_technical(result) else []
        reasons = "; ".join(reason_text(r, words) for r in bid.reasons if r.code != "not_selected_rank")
        row += [bid.total, bid.price, t(f"status.{bid.status}", lang), reasons]
        rows.append(row)
    _table(ws, 5, headers, rows)
    _category_chart(ws, result, lang, below=5 + max(len(rows), 1) + 2, category_headers=headers[3:3 + len(columns)])


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
    for column, header in enumerate([t("rank", lang), "id", t("bidder", lang), *category_headers], start=1):
        cell = put(ws.cell(row=header_row, column=column), header)
        cell.font, cell.fill = BOLD, HEADER_FILL
    for offset, bid in enumerate(scored, start=1):
        values = [bid.rank, bid.bidder_id, bid.name.text(lang)] + [bid.categories.get(c.id) for c in categories(result)]
        for column, value in enumerate(values, start=1):
            _cell(ws, header_row + offset, column, value)
    last_row = header_row + len(scored)
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = t("chart_categories", lang)
    total = float(result.rubric.total_points)
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


def _criteria(ws: Worksheet, result: Result, lang: str) -> None:
    _title(ws, result, lang, t("criteria_scores", lang))
    headers = ["id", t("criterion", lang), t("points", lang), t("method", lang), t("formula", lang)]
    headers += [b.name.text(lang) for b in result.bids]
    scores = {b.bidder_id: {c.id: c.score for c in b.criteria} for b in result.bids}
    rows = []
    for info in result.rubric.criteria:
        label = "    " * info.depth + info.label.text(lang)
        method = t(f"method.{info.method}", lang) if info.method else t("sum_of_children", lang)
        row: list[Any] = [info.id, label, info.points, method, info.formula.text(lang) if info.formula else ""]
        row += [scores[b.bidder_id].get(info.id) for b in result.bids]
        rows.append(row)
    rows.append(["total", t("total", lang), result.rubric.total_points, "", ""] + [b.total for b in result.bids])
    _table(ws, 4, headers, rows)


def _metrics(ws: Worksheet, result: Result, lang: str) -> None:
    _title(ws, result, lang, t("metrics", lang))
    headers = ["id", t("bidder", lang)] + [f"{t('metric.' + m, lang)} [{m}]" for m in METRICS]
    rows = [[b.bidder_id, b.name.text(lang)] + [b.metrics.get(m) for m in METRICS] for b in result.bids]
    _table(ws, 4, headers, rows)


def _panel(ws: Worksheet, result: Result, lang: str) -> None:
    _title(ws, result, lang, t("consistency_title", lang))
    names = {e.id: e.name.text(lang) for e in result.evaluators}
    labels = {c.id: c.label.text(lang) for c in result.rubric.criteria}
    headers = ["id", t("bidder", lang), "criterion", t("criterion", lang), t("evaluator", lang) + " id",
               t("evaluator", lang), t("score", lang), t("status", lang), t("panel_mean", lang)]  # fmt: skip
    rows = []
    for bid in result.bids:
        for score in (s for s in bid.criteria if s.panel):
            for entry in score.panel.scores:  # type: ignore[union-attr]
                rows.append([bid.bidder_id, bid.name.text(lang), score.id, labels[score.id], entry.evaluator,
                             names.get(entry.evaluator, entry.evaluator), entry.score,
                             t(f"panel.{entry.status}", lang), score.panel.mean])  # type: ignore[union-attr]  # fmt: skip
    _table(ws, 4, headers, rows)


def _gates(ws: Worksheet, result: Result, lang: str) -> None:
    _title(ws, result, lang, t("gates", lang))
    headers = ["id", t("bidder", lang), "gate", t("gate", lang), "field", "op", t("required", lang),
               t("actual", lang), t("passed", lang)]  # fmt: skip
    rows = []
    for bid in result.bids:
        for gate in bid.gates:
            required = ", ".join(str(v) for v in gate.value) if isinstance(gate.value, list) else gate.value
            actual = gate.actual.isoformat() if hasattr(gate.actual, "isoformat") else gate.actual
            required = required.isoformat() if hasattr(required, "isoformat") else required
            rows.append([bid.bidder_id, bid.name.text(lang), gate.id, gate.label.text(lang), gate.field, gate.op,
                         required, actual, gate.passed])  # fmt: skip
    _table(ws, 4, headers, rows)


def _provenance(ws: Worksheet, result: Result, lang: str) -> None:
    _title(ws, result, lang, t("appendix_title", lang))
    facts = [("bideval", result.tool_version), ("rubric", result.rubric.id),
             (t("evaluation_date", lang), result.rubric.evaluation_date.isoformat()),
             (t("outcome", lang), outcome_text(result, lang))]  # fmt: skip
    rows: list[list[Any]] = [[key, value, ""] for key, value in facts]
    rows += [[t(f"role.{f.role}", lang), f.name, f.sha256] for f in result.inputs]
    rows += [[t("rules_title", lang), rule, ""] for rule in rules_text(result, lang)]
    _table(ws, 4, [t("role", lang), t("file", lang), "SHA-256"], rows)


def _analysis(ws: Worksheet, result: Result, analysis: Analysis, lang: str) -> None:
    """The analysis tables one under another (no filters: several tables share the sheet)."""
    _title(ws, result, lang, f"{t('analysis_title', lang)} — {t('analysis_note', lang)}")
    row = 4
    for title, headers, rows in analysis_tables(analysis, lang):
        put(ws.cell(row=row, column=1), title).font = BOLD
        for column, header in enumerate(headers, start=1):
            cell = put(ws.cell(row=row + 1, column=column), header)
            cell.font, cell.fill = BOLD, HEADER_FILL
        for offset, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                _cell(ws, row + offset, column, value)
        row += len(rows) + 3
    for column in range(1, 7):
        ws.column_dimensions[get_column_letter(column)].width = 30 if column == 1 else 22

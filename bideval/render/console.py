"""Console summary: the ranking table, the outcome, reasons and warnings (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bideval.i18n import t
from bideval.result import Reason, Result, Warning

STATUS_STYLE = {"selected": "bold green", "eligible": "green", "below_threshold": "yellow", "excluded": "red"}


def render_console(result: Result, console: Console, lang: str = "ko") -> None:
    rubric = result.rubric
    table = Table(title=f"{rubric.title.text(lang)} — {rubric.evaluation_date.isoformat()}", title_justify="left")
    table.add_column(t("rank", lang), justify="right")
    table.add_column(t("bidder", lang))
    for top in (c for c in rubric.criteria if c.parent is None):
        table.add_column(f"{top.label.text(lang)}\n({top.points})", justify="right")
    has_technical = bool(rubric.thresholds.get("technical"))
    if has_technical:
        table.add_column(t("technical", lang), justify="right")
    table.add_column(f"{t('price', lang)} ({rubric.currency})", justify="right")
    table.add_column(f"{t('total', lang)}\n({rubric.total_points})", justify="right")
    table.add_column(t("status", lang))
    for bid in result.bids:
        row = [str(bid.rank) if bid.rank else "–", bid.name.text(lang)]
        row += [str(bid.categories.get(c.id, "–")) for c in rubric.criteria if c.parent is None]
        if has_technical:
            row.append(str(bid.technical.score) if bid.technical else "–")
        row += [f"{bid.price:,}", str(bid.total) if bid.total is not None else "–"]
        row.append(Text(t(f"status.{bid.status}", lang), style=STATUS_STYLE[bid.status]))
        table.add_row(*row)
    console.print(table)
    console.print(f"[bold]{t('outcome', lang)}:[/bold] {outcome_text(result, lang)}")
    for bid in result.bids:
        for reason in bid.reasons:
            if reason.code not in ("not_selected_rank",):
                console.print(f"  {bid.name.text(lang)}: {reason_text(reason, lang)}", style="dim")
    if result.warnings:
        console.print(f"[bold yellow]{t('warnings', lang)}:[/bold yellow]")
        for warning in result.warnings:
            console.print(f"  • {warning_text(warning, result, lang)}", style="yellow")


def outcome_text(result: Result, lang: str) -> str:
    outcome = result.outcome
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    return t(
        f"outcome.{outcome.kind}", lang,
        winners=", ".join(names[w] for w in outcome.winners) or "–",
        tied=", ".join(names[w] for w in outcome.tied), valid=outcome.valid_bids,
        minimum=result.rubric.award["min_valid_bids"],
    )  # fmt: skip


def reason_text(reason: Reason, lang: str) -> str:
    return t(f"reason.{reason.code}", lang, subject=reason.subject or "", actual=_show(reason.actual, lang),
             required=_show(reason.required, lang))  # fmt: skip


def warning_text(warning: Warning, result: Result, lang: str) -> str:
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    detail = {k: ", ".join(names.get(x, x) for x in v) if isinstance(v, list) else v for k, v in warning.detail.items()}
    return t(f"warning.{warning.code}", lang, bidder=names.get(warning.bidder or "", ""),
             criterion=warning.criterion or "", **detail)  # fmt: skip


def _show(value: Any, lang: str) -> str:
    if value is None:
        return t("not_stated", lang)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


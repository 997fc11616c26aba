"""Console summary: the ranking table, the outcome, reasons and warnings (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bideval.i18n import t
from bideval.result import Reason, Result, ResultWarning

STATUS_STYLE = {"selected": "bold green", "eligible": "green", "below_threshold": "yellow", "excluded": "red"}


def render_console(result: Result, console: Console, lang: str = "ko") -> None:
    # Every string from the inputs goes out as a Text, never as markup: names stay text.
    console.print(ranking_table(result, lang))
    console.print(Text.assemble((f"{t('outcome', lang)}: ", "bold"), outcome_text(result, lang)))
    for bid in result.bids:
        notes = [reason_text(r, result, lang) for r in bid.reasons if r.code != "not_selected_rank"]
        if bid.rank_decided_by not in (None, "total"):
            notes.insert(0, t("decided_by", lang, key=bid.rank_decided_by))
        for note in notes:
            console.print(Text(f"  {bid.name.text(lang)}: {note}", style="dim"))
    if result.warnings:
        console.print(Text(f"{t('warnings', lang)}:", style="bold yellow"))
        for warning in result.warnings:
            console.print(Text(f"  • {warning_text(warning, result, lang)}", style="yellow"))


def ranking_table(result: Result, lang: str) -> Table:
    rubric = result.rubric
    categories = [c for c in rubric.criteria if c.parent is None]
    technical = rubric.thresholds.get("technical")
    # A technical column that repeats a single category adds nothing.
    show_technical = bool(technical) and technical["criteria"] not in ([c.id] for c in categories)
    title = Text(f"{rubric.title.text(lang)} — {rubric.evaluation_date.isoformat()}", style="bold")
    table = Table(title=title, title_justify="left")
    table.add_column(t("rank", lang), justify="right", no_wrap=True)
    table.add_column(t("bidder", lang), no_wrap=True)
    for top in categories:
        table.add_column(Text(f"{top.label.text(lang)} ({top.points})"), justify="right", min_width=8)
    if show_technical:
        table.add_column(t("technical", lang), justify="right", min_width=8)
    table.add_column(f"{t('total', lang)} ({rubric.total_points})", justify="right", min_width=8)
    table.add_column(f"{t('price', lang)} ({rubric.currency})", justify="right", no_wrap=True)
    table.add_column(t("status", lang), no_wrap=True)
    for bid in result.bids:
        row: list[str | Text] = [str(bid.rank) if bid.rank else "–", Text(bid.name.text(lang))]
        row += [str(bid.categories.get(c.id, "–")) for c in categories]
        if show_technical:
            row.append(str(bid.technical.score) if bid.technical else "–")
        row += [str(bid.total) if bid.total is not None else "–", f"{bid.price:,}"]
        row.append(Text(t(f"status.{bid.status}", lang), style=STATUS_STYLE[bid.status]))
        table.add_row(*row)
    return table


def outcome_text(result: Result, lang: str) -> str:
    outcome = result.outcome
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    return t(
        f"outcome.{outcome.kind}", lang,
        winners=", ".join(names[w] for w in outcome.winners) or "–",
        tied=", ".join(names[w] for w in outcome.tied), valid=outcome.valid_bids,
        minimum=result.rubric.award["min_valid_bids"],
    )  # fmt: skip


def reason_text(reason: Reason, result: Result, lang: str) -> str:
    labels = {c.id: c.label.text(lang) for c in result.rubric.criteria}
    labels.update({g.id: g.label.text(lang) for bid in result.bids for g in bid.gates})
    subject = labels.get(reason.subject or "", reason.subject or "")
    return t(f"reason.{reason.code}", lang, subject=subject, actual=_show(reason.actual, lang),
             required=_show(reason.required, lang))  # fmt: skip


def warning_text(warning: ResultWarning, result: Result, lang: str) -> str:
    names = {b.bidder_id: b.name.text(lang) for b in result.bids}
    names |= {e.id: f"{e.name.text(lang)} ({e.id})" for e in result.evaluators}
    labels = {c.id: c.label.text(lang) for c in result.rubric.criteria}
    detail = {k: ", ".join(names.get(x, x) for x in v) if isinstance(v, list) else names.get(v, v)
              for k, v in warning.detail.items()}  # fmt: skip
    return t(f"warning.{warning.code}", lang, bidder=names.get(warning.bidder or "", ""),
             criterion=labels.get(warning.criterion or "", ""), **detail)  # fmt: skip


def _show(value: Any, lang: str) -> str:
    if value is None:
        return t("not_stated", lang)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


"""Console summary: the ranking table, the outcome, reasons and warnings (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bideval.engine.result import BidResult, Result
from bideval.render.common import Words, categories, outcome_text, reason_text, shows_technical, warning_text
from bideval.render.i18n import t
from bideval.render.terminal import visible

STATUS_STYLE = {"selected": "bold green", "eligible": "green", "below_threshold": "yellow", "excluded": "red"}
# A summary, not the record: past this many rows (bids, notes, warnings) the rest is counted,
# not printed. No committee has that many bidders; a 10,000-bid test printed 23,000 lines.
MOST_LINES = 100


def render_console(result: Result, console: Console, lang: str = "ko") -> None:
    # Every string from the inputs goes out as a Text, never as markup (names stay text), and through
    # `visible`, never raw (a control character in a name is shown escaped, not sent to the terminal).
    console.print(ranking_table(result, lang))
    console.print(Text.assemble((f"{t('outcome', lang)}: ", "bold"), visible(outcome_text(result, lang))))
    words = Words.of(result, lang)
    notes = [(bid, note) for bid in result.bids for note in _notes(bid, words, lang)]
    for bid, note in notes[:MOST_LINES]:
        console.print(Text(visible(f"  {bid.name.text(lang)}: {note}"), style="dim"))
    _count_the_rest(console, len(notes), lang, "dim")
    if result.warnings:
        console.print(Text(f"{t('warnings', lang)}:", style="bold yellow"))
        for warning in result.warnings[:MOST_LINES]:
            console.print(Text(visible(f"  • {warning_text(warning, words)}"), style="yellow"))
        _count_the_rest(console, len(result.warnings), lang, "yellow")


def _notes(bid: BidResult, words: Words, lang: str) -> list[str]:
    notes = [reason_text(r, words) for r in bid.reasons if r.code != "not_selected_rank"]
    if bid.rank_decided_by not in (None, "total"):
        notes.insert(0, t("decided_by", lang, key=bid.rank_decided_by))
    return notes


def _count_the_rest(console: Console, lines: int, lang: str, style: str) -> None:
    if lines > MOST_LINES:
        console.print(Text(t("not_shown", lang, count=f"{lines - MOST_LINES:,}"), style=style))


def ranking_table(result: Result, lang: str) -> Table:
    rubric = result.rubric
    columns, show_technical = categories(result), shows_technical(result)
    title = Text(visible(f"{rubric.title.text(lang)} — {rubric.evaluation_date.isoformat()}"), style="bold")
    table = Table(title=title, title_justify="left")
    table.add_column(t("rank", lang), justify="right", no_wrap=True)
    table.add_column(t("bidder", lang), no_wrap=True)
    for top in columns:
        table.add_column(Text(visible(f"{top.label.text(lang)} ({top.points})")), justify="right", min_width=8)
    if show_technical:
        table.add_column(t("technical", lang), justify="right", min_width=8)
    table.add_column(f"{t('total', lang)} ({rubric.total_points})", justify="right", min_width=8)
    table.add_column(f"{t('price', lang)} ({rubric.currency})", justify="right", no_wrap=True)
    table.add_column(t("status", lang), no_wrap=True)
    for bid in result.bids[:MOST_LINES]:  # in rank order: the rest is counted below the table
        row: list[str | Text] = [str(bid.rank) if bid.rank else "–", Text(visible(bid.name.text(lang)))]
        row += [str(bid.categories.get(c.id, "–")) for c in columns]
        if show_technical:
            row.append(str(bid.technical.score) if bid.technical else "–")
        row += [str(bid.total) if bid.total is not None else "–", f"{bid.price:,}"]
        row.append(Text(t(f"status.{bid.status}", lang), style=STATUS_STYLE[bid.status]))
        table.add_row(*row)
    if len(result.bids) > MOST_LINES:
        table.caption = t("not_shown", lang, count=f"{len(result.bids) - MOST_LINES:,}")
        table.caption_justify = "left"
    return table

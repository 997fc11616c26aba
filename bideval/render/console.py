"""Console summary: the ranking table (one per lot), the rounds of the call, the suitability
check, the outcome, reasons and warnings (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bideval.engine.result import BidResult, LotInfo, Result
from bideval.render import common
from bideval.render.common import Words, categories, outcome_text, reason_text, shows_technical, warning_text
from bideval.render.formatting import value_text
from bideval.render.i18n import t
from bideval.render.terminal import visible

STATUS_STYLE = {"selected": "bold green", "eligible": "green", "below_threshold": "yellow", "excluded": "red"}
# A summary, not the record: past this many rows (bids, notes, warnings) the rest is counted,
# not printed. No committee has that many bidders; a 10,000-bid test printed 23,000 lines.
MOST_LINES = 100


def render_console(result: Result, console: Console, lang: str = "ko") -> None:
    # Every string from the inputs goes out as a Text, never as markup (names stay text), and through
    # `visible`, never raw (a control character in a name is shown escaped, not sent to the terminal).
    if result.rubric.lots:
        _lot_tables(result, console, lang)
    else:
        console.print(ranking_table(result, lang))
    rounds = common.rounds_lines(result, lang)
    if rounds:
        console.print(Text(f"{t('rounds.title', lang)}:", style="bold"))
        for line in rounds:
            console.print(Text(visible(f"  {line}")))
    for suitability in result.outcome.suitability:
        _suitability(result, suitability, console, lang)
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


def _lot_tables(result: Result, console: Console, lang: str) -> None:
    """A heading for the call, then per lot: its table (its label, its floor) and its outcome."""
    rubric = result.rubric
    console.print(Text(visible(f"{rubric.title.text(lang)} — {rubric.evaluation_date.isoformat()}"), style="bold"))
    for lot in rubric.lots:
        console.print(ranking_table(result, lang, lot=lot))
        console.print(Text.assemble((f"  {t('outcome', lang)}: ", "bold"),
                                    visible(common.lot_outcome_text(result, lot, lang))))  # fmt: skip
    unassigned = common.lot_bids(result, None)
    if unassigned:
        console.print(ranking_table(result, lang, bids=unassigned, title=t("lot.none", lang)))


def _suitability(result: Result, suitability, console: Console, lang: str) -> None:
    name = next((b.name.text(lang) for b in result.bids if b.bidder_id == suitability.bidder), suitability.bidder)
    style = "bold green" if suitability.suitable else "bold red"
    console.print(Text.assemble((f"{t('suitability.short', lang)}: ", "bold"), visible(f"{name} — "),
                                (common.suitability_verdict(suitability, lang), style)))  # fmt: skip
    for check in suitability.checks:
        mark = "✓" if check.passed else "✗"
        line = (
            f"  {mark} {common.check_label(check.id, result, lang)}: {value_text(check.actual, lang)} "
            f"({t('required', lang)} {common.check_required(check, lang)})"
        )
        console.print(Text(visible(line), style="" if check.passed else "red"))


def _notes(bid: BidResult, words: Words, lang: str) -> list[str]:
    notes = [reason_text(r, words) for r in bid.reasons if r.code != "not_selected_rank"]
    if bid.rank_decided_by not in (None, "total"):
        notes.insert(0, t("decided_by", lang, key=bid.rank_decided_by))
    return notes


def _count_the_rest(console: Console, lines: int, lang: str, style: str) -> None:
    if lines > MOST_LINES:
        console.print(Text(t("not_shown", lang, count=f"{lines - MOST_LINES:,}"), style=style))


def ranking_table(result: Result, lang: str, lot: LotInfo | None = None, bids: list[BidResult] | None = None,
                  title: str | None = None) -> Table:  # fmt: skip
    """The ranking of every bid, or of one lot's: the categories (the stages instead, with a mark for
    passed or failed, when the rubric has them), base total and bonus/penalty points when it has
    those, total, price, status. A name wraps rather than push the table past the terminal's edge."""
    rubric = result.rubric
    if lot is not None:
        bids = common.lot_bids(result, lot.id)
        title = f"{lot.label.text(lang)} — {t('lot.floor', lang)}: {common.floors_text(lot, lang)}"
    elif bids is None:
        bids = result.bids
    if title is None:
        title = f"{rubric.title.text(lang)} — {rubric.evaluation_date.isoformat()}"
    columns = [] if rubric.stages else categories(result, lot.id if lot else None)
    show_technical = shows_technical(result)
    table = Table(title=Text(visible(title), style="bold"), title_justify="left")
    table.add_column(t("rank", lang), justify="right", no_wrap=True)
    table.add_column(t("bidder", lang), min_width=10)
    for top in columns:
        table.add_column(Text(visible(f"{top.label.text(lang)} ({top.points})")), justify="right", min_width=8)
    if show_technical:
        table.add_column(t("technical", lang), justify="right", min_width=8)
    for stage in rubric.stages:
        table.add_column(Text(visible(f"{stage.label.text(lang)} ({stage.maximum})")), justify="right", min_width=9)
    if rubric.adjustments:
        table.add_column(t("adj.base_total", lang), justify="right", min_width=8)
        table.add_column(t("adj.sum", lang), justify="right", min_width=7)
    table.add_column(f"{t('total', lang)} ({rubric.total_points})", justify="right", min_width=8)
    table.add_column(f"{t('price', lang)} ({rubric.currency})", justify="right", no_wrap=True)
    table.add_column(t("status", lang), min_width=8)
    for bid in bids[:MOST_LINES]:  # in rank order: the rest is counted below the table
        row: list[str | Text] = [str(bid.rank) if bid.rank else "–", Text(visible(bid.name.text(lang)))]
        row += [str(bid.categories.get(c.id, "–")) for c in columns]
        if show_technical:
            row.append(str(bid.technical.score) if bid.technical else "–")
        stages = {s.id: s for s in bid.stages}
        row += [common.stage_cell(stages[s.id], lang) if s.id in stages else "–" for s in rubric.stages]
        if rubric.adjustments:
            adjusted = common.adjustment_sum(bid)
            row += [str(bid.base_total) if bid.base_total is not None else "–",
                    common.signed(adjusted) if adjusted is not None else "–"]  # fmt: skip
        row += [str(bid.total) if bid.total is not None else "–", f"{bid.price:,}"]
        row.append(Text(t(f"status.{bid.status}", lang), style=STATUS_STYLE[bid.status]))
        table.add_row(*row)
    if len(bids) > MOST_LINES:
        table.caption = t("not_shown", lang, count=f"{len(bids) - MOST_LINES:,}")
        table.caption_justify = "left"
    return table

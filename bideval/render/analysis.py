"""`bideval analyze` in the terminal: robustness of the ranking and consistency of the panel.

With lots, every table is made per lot, under a heading naming it. With the procedures of issue 18
(stages, bonus and penalty points, a sole applicant's suitability check), a note first says what the
weight analyses hold as evaluated and what the re-runs apply again (`analysis.run.HELD`).
"""

from __future__ import annotations

from fractions import Fraction

from rich.console import Console, Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bideval.analysis.run import Analysis, LotAnalysis
from bideval.render.analysis_tables import held_text
from bideval.render.terminal import visible


def render_analysis(analysis: Analysis, console: Console, lang: str = "ko") -> None:
    result = analysis.result
    # Names and labels come from the inputs: shown with their control characters escaped.
    names = {b.bidder_id: visible(b.name.text(lang)) for b in result.bids}

    def who(ids) -> str:
        return ", ".join(names.get(i, visible(i)) for i in ids) or "–"

    lot_labels = {info.id: info.label for info in result.rubric.lots}
    for part in analysis.lots:
        labels = {c.id: visible(c.label.text(lang)) for c in result.rubric.criteria_of(part.lot)}
        if part.lot is not None:
            heading = visible(f"Lot {part.lot}: {lot_labels[part.lot].text(lang)}")
            console.print(Rule(Text(heading, style="bold"), align="left"))
        if analysis.overrides:
            console.print(_whatif(analysis, names, part.lot))
        evaluated = tuple(b.bidder_id for b in result.bids if b.rank is not None and b.lot == part.lot)
        winners = result.outcome.lots[part.lot].winners if part.lot is not None else result.outcome.winners
        console.print(_verdict(part, labels, who, winners))
        if part.held:
            console.print(_held(part))
        console.print(_flips(part, labels, who))
        console.print(_sweeps(part, labels, who, evaluated))
        console.print(_stability(analysis, part, names))
        console.print(_reversals(part, who))
        console.print(_panel(analysis, part, labels, names, lang))


def _stability(analysis: Analysis, part: LotAnalysis, names: dict) -> Group:
    """The bids some samples rank first or select; the others counted in one line (the report and the
    scorecard list every bid)."""
    table = Table(title=Text(f"Monte Carlo stability: {analysis.samples:,} weight samples, Dirichlet "
                             f"concentration {analysis.alpha:g} around the published points, seed {analysis.seed}"),
                  title_justify="left")  # fmt: skip
    for column in ("bidder", "P(ranked first)", "P(selected)"):
        table.add_column(column, justify="left" if column == "bidder" else "right")
    never = [row for row in part.stability if row.first == 0 and row.selected == 0]
    for row in part.stability:
        if row not in never:
            table.add_row(Text(names[row.bidder]), f"{row.first:.1%}", f"{row.selected:.1%}")
    if not never:
        return Group(table)
    return Group(table, Text(f"The other {len(never)} bids were neither ranked first nor selected in any sample."))


def _held(part: LotAnalysis) -> Text:
    """What the weight analyses below hold as evaluated, one line each (in English, like the tables)."""
    lines = ["Held as evaluated by the weight analyses (sensitivity, one at a time, Monte Carlo):"]
    lines += [f"  • {held_text(code, 'en')}" for code in part.held]
    return Text("\n".join(lines), style="italic")


def _verdict(part: LotAnalysis, labels: dict, who, winners: list[str]) -> Text:
    """The answer first (issue 19 §3): the nearest flip point and what it would take, and how often the
    evaluated winners stay selected when the weights are sampled."""
    found = [f for f in part.flips if f.delta is not None]
    if not part.flips:
        line = "Verdict: fewer than two ranked bids — nothing to compare."
    elif not found:
        line = "Verdict: robust — no single criterion's points, moved within their range, change the decision."
    else:
        nearest = min(found, key=lambda f: (abs(f.delta), f.criterion))  # type: ignore[arg-type]  # fewest points moved
        line = (f"Verdict: the nearest change of the decision takes {_signed(nearest.delta, nearest.direction)} "  # type: ignore[arg-type]
                f"points ({_percent(nearest.share, nearest.direction)} of its {nearest.points}) on "
                f"{labels[nearest.criterion]}: then first {who(nearest.first_after)}; selected "
                f"{who(nearest.selected_after)}.")
    selected = {row.bidder: row.selected for row in part.stability}
    if winners and all(w in selected for w in winners):
        least = min(selected[w] for w in winners)
        share = "all of them" if least == 1 else f"at least {least:.1%} of them"
        line += f" In the weight samples, every winner as evaluated is selected in {share}."
    return Text(line, style="bold")


def _flips(part: LotAnalysis, labels: dict, who) -> Table:
    table = Table(title="Weight sensitivity: smallest shift of points that changes the decision "
                  "(the rest rescaled, total kept)", title_justify="left")  # fmt: skip
    for column in ("criterion", "points", "flip at", "share of node", "then first", "then selected"):
        table.add_column(column, justify="right" if column in ("points", "flip at", "share of node") else "left")
    for flip in part.flips:
        if flip.delta is None:
            table.add_row(Text(labels[flip.criterion]), str(flip.points), "never", "–", "", "")
            continue
        moved = _signed(flip.delta, flip.direction)
        table.add_row(Text(labels[flip.criterion]), str(flip.points), moved, _percent(flip.share, flip.direction),
                      Text(who(flip.first_after)), Text(who(flip.selected_after)))  # fmt: skip
    return table


def _signed(delta: Fraction, direction: int) -> str:
    if delta == 0:
        return "+0 (tie now)" if direction > 0 else "-0 (tie now)"
    return f"{float(delta):+.4f}"


def _percent(share: Fraction | None, direction: int) -> str:
    if share is None:
        return "–"
    return f"{float(share):+.2%}" if share else ("+0%" if direction > 0 else "-0%")


def _sweeps(part: LotAnalysis, labels: dict, who, evaluated: tuple[str, ...]) -> Group:
    """Only the changes that reorder the bids, after a line saying how many there are, each with the bids
    that move and their places (the report and the scorecard keep every row and every full ranking)."""
    changed = [sweep for sweep in part.sweeps if sweep.ranking != evaluated]
    line = Text(f"One at a time (each criterion's points ±10 % and ±20 %, the rest rescaled): {len(changed)} of the "
                f"{len(part.sweeps)} changes reorder the bids; the other {len(part.sweeps) - len(changed)} leave the "
                "ranking as evaluated.")  # fmt: skip
    if not changed:
        return Group(line)
    table = Table(title="One at a time: the changes that reorder the bids", title_justify="left")
    table.add_column("criterion")
    table.add_column("change", justify="right")
    table.add_column("who moves (place as evaluated → then)")
    place = {bidder: n for n, bidder in enumerate(evaluated, start=1)}
    for sweep in changed:
        moves = [f"{who([b])} {place[b]}→{n}" for n, b in enumerate(sweep.ranking, start=1) if place.get(b) != n]
        table.add_row(Text(labels[sweep.criterion]), f"{float(sweep.change):+.0%}", Text(", ".join(moves)))
    return Group(line, table)


def _reversals(part: LotAnalysis, who) -> Group:
    """Only the cases that reverse the order of the other bids or could not be re-run, after a line
    saying how many there are (the report and the scorecard keep every case)."""
    title = "Rank reversal (the order of the other bids when one is removed or a dominated clone is added)"
    if not part.relative_methods:
        title += ", with no relative method in this rubric, so no reversal is possible"
    shown = [row for row in part.reversals if row.reversed or row.problem is not None]
    reversed_count = sum(1 for row in part.reversals if row.reversed)
    not_run = len(shown) - reversed_count
    line = Text(f"{title}: reversed in {reversed_count} of the {len(part.reversals)} cases"
                + (f"; {not_run} could not be re-run." if not_run else "."))  # fmt: skip
    if not shown:
        return Group(line)
    table = Table(title="Rank reversal: the cases that reverse the order or could not be re-run", title_justify="left")
    for column in ("change", "reversal", "order before", "order after"):
        table.add_column(column)
    for row in shown:
        if row.problem is not None:
            table.add_row(Text(visible(row.change)), Text("not re-run", style="yellow"), Text(who(row.before)),
                          Text(visible(row.problem)))  # fmt: skip
            continue
        table.add_row(Text(visible(row.change)), Text("REVERSED", style="bold red"), Text(who(row.before)),
                      Text(who(row.after)))  # fmt: skip
    return Group(line, table)


def _panel(analysis: Analysis, part: LotAnalysis, labels: dict, names: dict, lang: str) -> Table:
    evaluators = {e.id: visible(e.name.text(lang)) for e in analysis.result.evaluators}
    table = Table(title="Panel consistency (flags, not verdicts; scores as % of the item's maximum)",
                  title_justify="left")  # fmt: skip
    for column in ("what", "who", "value"):
        table.add_column(column)
    for row in part.leniency:
        table.add_row("leniency (mean vs. the others)", Text(f"{evaluators.get(row.evaluator, row.evaluator)} "
                      f"({row.evaluator})"), f"{row.mean_deviation:+.2f} pts over {row.scores} scores")  # fmt: skip
    for row in part.outliers:
        table.add_row(Text("score > 2 SD from the others", style="yellow"),
                      Text(f"{row.evaluator} on {names.get(row.bidder, row.bidder)} / {labels[row.criterion]}"),
                      f"{row.score:.1f} vs {row.others_mean:.1f} ± {row.others_sd:.1f}")  # fmt: skip
    for row in part.agreement:
        value = "n/a" if row.kendall_w is None else f"W = {row.kendall_w:.3f}"
        table.add_row("agreement (Kendall's W)", Text(labels[row.criterion]),
                      f"{value} ({row.evaluators} evaluators × {row.bidders} bidders)")  # fmt: skip
    return table


def _whatif(analysis: Analysis, names: dict, lot: str | None) -> Table:
    overrides = "; ".join(f"--{o.kind} {o.target}={o.value}" for o in analysis.overrides)
    table = Table(title=Text(visible(f"What-if: {overrides} (input files unchanged)")), title_justify="left")
    for column in ("bidder", "total before", "total after", "rank before", "rank after", "status after"):
        table.add_column(column)
    before = {b.bidder_id: b for b in analysis.baseline.bids}  # type: ignore[union-attr]
    for bid in analysis.result.bids:
        if bid.lot != lot:
            continue
        old = before.get(bid.bidder_id)
        table.add_row(Text(names[bid.bidder_id]), str(old.total if old else "–"), str(bid.total),
                      str(old.rank if old and old.rank else "–"), str(bid.rank or "–"), bid.status)  # fmt: skip
    return table

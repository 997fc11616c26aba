"""What the ledger says across tenders: pure functions over the rows read back, exact to the end.

Worked in Python with `Fraction`s, not in SQL (whose averages are floats on SQLite and NUMERIC on a
server), so both databases give the same answer, rounded once (half up) where it is shown.

Counted over the *current* evaluations only: an archive re-evaluating the same tender and round
supersedes the earlier one (the later evaluation date, then the one added later), so a call is
never counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from bideval.engine.rounding import round_to

PERCENT_PLACES = 4  # leniency, in percent of an item's points
RANK_PLACES = 2
FAVOUR_ABOVE = Decimal(10)  # "well above the panel": a bid's mean deviation, percent of the items' points
THRESHOLD_REASONS = frozenset({"below_minimum", "below_technical", "over_budget", "stage_failed"})


@dataclass(frozen=True)
class Evaluation:
    id: int
    tender: str
    round: int
    evaluation_date: date


@dataclass(frozen=True)
class Panel:
    """One judged item of one bid: every evaluator's raw score (None: conflicted) and its status."""

    evaluation: int
    tender: str
    bidder: str
    criterion: str
    points: Decimal
    scale: str  # percent: scores are 0–100 % of the points; points: 0–points
    scores: dict[str, Decimal | None]
    statuses: dict[str, str]  # kept | dropped_high | dropped_low | conflict


@dataclass(frozen=True)
class Bid:
    evaluation: int
    tender: str
    bidder: str
    rank: int | None
    winner: bool
    outcome: str  # of its lot, or of the call
    reasons: frozenset[str]


@dataclass(frozen=True)
class Sitting:
    """An evaluator on one evaluation's panel, with the conflicts declared there."""

    evaluation: int
    tender: str
    evaluator: str
    conflicts: frozenset[str] = field(default_factory=frozenset)


def current(evaluations: Iterable[Evaluation]) -> set[int]:
    """The evaluations counted: per tender and round, the latest (evaluation date, then added last)."""
    latest: dict[tuple[str, int], Evaluation] = {}
    for e in evaluations:
        held = latest.get((e.tender, e.round))
        if held is None or (e.evaluation_date, e.id) > (held.evaluation_date, held.id):
            latest[(e.tender, e.round)] = e
    return {e.id for e in latest.values()}


def deviation(panel: Panel, evaluator: str) -> Fraction | None:
    """(own score − mean of the other evaluators' scores for this bid and item), as a percentage of
    the item's points; None when the evaluator did not score it or nobody else did."""
    own = panel.scores.get(evaluator)
    others = [s for who, s in panel.scores.items() if who != evaluator and s is not None]
    if own is None or not others:
        return None
    gap = Fraction(own) - sum(map(Fraction, others), Fraction(0)) / len(others)
    return gap if panel.scale == "percent" else gap * 100 / Fraction(panel.points)


def mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def leniency(panels: Iterable[Panel], evaluator: str) -> Fraction | None:
    """Mean, over the evaluator's scored cells that someone else also scored, of `deviation`."""
    return mean([d for p in panels if (d := deviation(p, evaluator)) is not None])


def favoured(panels: Iterable[Panel], evaluator: str, above: Decimal = FAVOUR_ABOVE) -> dict[str, set[str]]:
    """bidder → the tenders in which the evaluator scored its bid well above the panel: the mean of
    their deviations over that bid's items at least `above` percent of the points."""
    per_bid: dict[tuple[str, int, str], list[Fraction]] = defaultdict(list)
    for p in panels:
        if (d := deviation(p, evaluator)) is not None:
            per_bid[(p.bidder, p.evaluation, p.tender)].append(d)
    found: dict[str, set[str]] = defaultdict(set)
    for (bidder, _, tender), gaps in per_bid.items():
        if mean(gaps) >= above:
            found[bidder].add(tender)
    return dict(found)


def evaluator_rows(sittings: list[Sitting], panels: list[Panel], names: dict[str, str],
                   above: Decimal = FAVOUR_ABOVE) -> list[dict]:  # fmt: skip
    """One row per evaluator id, sorted by id (keys as `ledger evaluators --format json` prints them)."""
    by_evaluator: dict[str, list[Panel]] = defaultdict(list)
    for p in panels:
        for who in p.scores:
            by_evaluator[who].append(p)
    rows = []
    for evaluator in sorted({s.evaluator for s in sittings}):
        own = by_evaluator.get(evaluator, [])
        statuses = [p.statuses[evaluator] for p in own]
        lenient = leniency(own, evaluator)
        repeated = {bidder: sorted(tenders) for bidder, tenders in favoured(own, evaluator, above).items()
                    if len(tenders) >= 2}  # fmt: skip
        rows.append({
            "evaluator_id": evaluator,
            "name": names.get(evaluator, ""),
            "tenders": len({s.tender for s in sittings if s.evaluator == evaluator}),
            "cells": sum(p.scores[evaluator] is not None for p in own),
            "leniency": None if lenient is None else round_to(lenient, PERCENT_PLACES),
            "trimmed_high": statuses.count("dropped_high"),
            "trimmed_low": statuses.count("dropped_low"),
            "conflicts": sum(len(s.conflicts) for s in sittings if s.evaluator == evaluator),
            "repeated_favouritism": bool(repeated),
            "favoured": dict(sorted(repeated.items())),
        })  # fmt: skip
    return rows


def evaluator_history(sittings: list[Sitting], panels: list[Panel], evaluator: str,
                      above: Decimal = FAVOUR_ABOVE) -> list[dict]:  # fmt: skip
    """One evaluator's record, a row per evaluation it sat on (in `sittings` order): the same counts
    as `evaluator_rows`, within that evaluation, and the bidders it scored well above the panel there."""
    rows = []
    for sitting in (s for s in sittings if s.evaluator == evaluator):
        own = [p for p in panels if p.evaluation == sitting.evaluation and evaluator in p.scores]
        row = evaluator_rows([sitting], own, {}, above)[0]
        rows.append({"evaluation": sitting.evaluation, "tender": sitting.tender,
                     **{k: row[k] for k in ("cells", "leniency", "trimmed_high", "trimmed_low", "conflicts")},
                     "favoured": sorted(favoured(own, evaluator, above))})  # fmt: skip
    return rows


def bidder_rows(bids: list[Bid], names: dict[str, str]) -> list[dict]:
    """One row per bidder id, sorted by id."""
    by_bidder: dict[str, list[Bid]] = defaultdict(list)
    for bid in bids:
        by_bidder[bid.bidder].append(bid)
    rows = []
    for bidder, entered in sorted(by_bidder.items()):
        ranks = [Fraction(b.rank) for b in entered if b.rank is not None]
        average = mean(ranks)
        rows.append({
            "bidder_id": bidder,
            "name": names.get(bidder, ""),
            "tenders": len({b.tender for b in entered}),
            "rounds": len({b.evaluation for b in entered}),
            "wins": sum(b.winner for b in entered),
            "gate_failures": sum("gate_failed" in b.reasons for b in entered),
            "threshold_failures": sum(bool(b.reasons & THRESHOLD_REASONS) for b in entered),
            "failed_calls": sum(b.outcome == "failed_tender" for b in entered),
            "average_rank": None if average is None else round_to(average, RANK_PLACES),
        })  # fmt: skip
    return rows

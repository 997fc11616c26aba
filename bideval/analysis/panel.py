"""Panel consistency: spreads, leniency, outlying scores and agreement (Kendall's W).

Flags, not verdicts: an evaluator far from the others may be the one who read the bid
best. Scores are compared as shares of the item's maximum (percent or points scale).

Per lot (`lot`; None for a call without lots): the bids of one lot, on its criteria. Every panel a
bid has counts, a bid that failed a stage included (its earlier stages were scored).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from fractions import Fraction

from bideval.engine.result import Result


@dataclass(frozen=True)
class Leniency:
    evaluator: str
    mean_deviation: float  # mean of (own score − mean of the others), in % of the item's maximum
    scores: int


@dataclass(frozen=True)
class Outlier:
    evaluator: str
    bidder: str
    criterion: str
    score: float
    others_mean: float
    others_sd: float


@dataclass(frozen=True)
class Agreement:
    criterion: str
    kendall_w: float | None  # None when fewer than 2 evaluators or 2 bidders are comparable
    evaluators: int
    bidders: int


def _panels(result: Result, lot: str | None = None):
    """(criterion, bidder, {evaluator: score as % of maximum}) for each judged item of each bid of `lot`."""
    maxima = {c.id: c.points for c in result.rubric.criteria_of(lot)}
    for bid in result.bids:
        if bid.lot != lot:
            continue
        for score in bid.criteria:
            if score.panel is None:
                continue
            top = 100 if score.panel.scale == "percent" else maxima[score.id]
            given = {p.evaluator: float(Fraction(p.score) * 100 / Fraction(top))
                     for p in score.panel.scores if p.score is not None}  # fmt: skip
            yield score.id, bid.bidder_id, given


def leniency(result: Result, lot: str | None = None) -> list[Leniency]:
    deviations: dict[str, list[float]] = {}
    for _, _, given in _panels(result, lot):
        for evaluator, value in given.items():
            others = [v for e, v in given.items() if e != evaluator]
            if others:
                deviations.setdefault(evaluator, []).append(value - statistics.fmean(others))
    return [Leniency(e, statistics.fmean(d), len(d)) for e, d in sorted(deviations.items())]


def outliers(result: Result, limit: float = 2.0, lot: str | None = None) -> list[Outlier]:
    """Scores more than `limit` standard deviations from the other evaluators' scores."""
    found = []
    for criterion, bidder, given in _panels(result, lot):
        for evaluator, value in sorted(given.items()):
            others = [v for e, v in given.items() if e != evaluator]
            if len(others) < 2:
                continue
            mean, sd = statistics.fmean(others), statistics.stdev(others)
            # With identical other scores (sd 0), 1 point of the maximum stands in for the spread.
            if abs(value - mean) > limit * max(sd, 1.0):
                found.append(Outlier(evaluator, bidder, criterion, value, mean, sd))
    return found


def agreement(result: Result, lot: str | None = None) -> list[Agreement]:
    """Kendall's W per judged item, over the bidders (of `lot`) every (non-conflicted) evaluator scored."""
    by_item: dict[str, dict[str, dict[str, float]]] = {}
    for criterion, bidder, given in _panels(result, lot):
        by_item.setdefault(criterion, {})[bidder] = given
    rows = []
    for criterion, bids in by_item.items():
        evaluators = sorted(set.intersection(*(set(g) for g in bids.values())))
        bidders = sorted(b for b, g in bids.items() if all(e in g for e in evaluators))
        rows.append(Agreement(criterion, kendall_w([[bids[b][e] for b in bidders] for e in evaluators]),
                              len(evaluators), len(bidders)))  # fmt: skip
    return rows


def kendall_w(scores: list[list[float]]) -> float | None:
    """Kendall's coefficient of concordance with the tie correction; rows are raters, columns objects."""
    m, n = len(scores), len(scores[0]) if scores else 0
    if m < 2 or n < 2:
        return None
    ranks = [_average_ranks(row) for row in scores]
    sums = [sum(r[j] for r in ranks) for j in range(n)]
    mean = m * (n + 1) / 2
    s = sum((total - mean) ** 2 for total in sums)
    ties = sum(sum(t**3 - t for t in _tie_sizes(row)) for row in scores)
    denominator = m**2 * (n**3 - n) - m * ties
    return 12 * s / denominator if denominator else None


def _average_ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _tie_sizes(values: list[float]) -> list[int]:
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return [c for c in counts.values() if c > 1]

"""Score every criterion of every bid that passed the gates.

Scores are named tuples built directly from values this module computed and typed: at
10,000 bids there are 220,000 of them. Rounding works on integer ratios for the same reason.

Leaves are scored by their method (computed) or by the panel (judged) and rounded
once; a parent's score is the sum of its children's rounded scores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any

from bideval.engine.rounding import exact_operators, round_ratio
from bideval.model.fields import METRICS, read_field
from bideval.memory import Pool
from bideval.model.bid import Bid
from bideval.model.rubric import Criterion, Rubric
from bideval.model.scores import Scores
from bideval.engine.result import CriterionScore, PanelDetail
from bideval.engine.methods import REGISTRY, MethodError, Peers
from bideval.engine.panel import Column, Seating, aggregate_columns, seating

# Where in a bid file a metric comes from, to locate "this bid cannot define X" problems.
METRIC_ORIGIN = {"in_service_by": ("schedule", "service_start")}


@dataclass(frozen=True)
class Unscorable:
    """A bid lacks what a method needs: the caller turns this into a located problem."""

    bidder: str
    criterion: str
    source: str
    path: tuple
    message: str


def score_bids(
    rubric: Rubric, bids: list[Bid], metrics: dict[str, dict], panel: list[Scores]
) -> tuple[dict[str, list[CriterionScore]], list[Unscorable]]:
    """Criterion scores (rubric order) for each of `bids` — the bids that passed the gates."""
    bidders = [b.bidder.id for b in bids]
    # Scored a criterion at a time: node id → the score of each bid, in the order of `bidders`.
    columns: dict[str, list] = {leaf.id: [None] * len(bids) for leaf in rubric.judged()}
    judges = {leaf.id: _judge(rubric, leaf) for leaf in rubric.judged()}
    with exact_operators():
        for seats, positions, scores in _seatings(bidders, panel, list(judges)) if judges else ():
            for leaf_id, judge in judges.items():
                column = columns[leaf_id]
                for position, score in zip(positions, judge(seats, scores[leaf_id])):
                    column[position] = score
    unscorable, bid_metrics = [], [metrics[bidder] for bidder in bidders]
    for leaf in rubric.leaves():
        if leaf.method != "judged":
            columns[leaf.id], problems = _score_computed(rubric, leaf, bids, bid_metrics)
            unscorable += problems
    if unscorable:
        return {}, unscorable
    with exact_operators():
        _score_parents(rubric, columns)
    by_bid = zip(*[columns[node.id] for node in rubric.nodes()])
    return dict(zip(bidders, map(list, by_bid))), []


def _score_computed(
    rubric: Rubric, leaf: Criterion, bids: list[Bid], metrics: list[dict]
) -> tuple[list[CriterionScore], list[Unscorable]]:
    """A computed leaf's score for each of `bids` (whose metrics are `metrics`, in the same
    order), or what cannot be scored."""
    source = leaf.source or ""
    column = read_field(source, bids, metrics)
    what = "metric" if source in METRICS else "field"
    if None in column.values.values():
        return [], [Unscorable(bid.bidder.id, leaf.id, source, _origin(source), f"criterion '{leaf.id}' needs the "
                               f"{what} '{source}', which bid '{bid.bidder.id}' does not define")
                    for bid, key in zip(bids, column.keys) if column.values[key] is None]  # fmt: skip
    # A method is a pure function of the value once the peers are fixed: each distinct value is
    # scored once, and bids with the same value share that (immutable) score.
    compute = _compute(rubric, leaf, Peers(list(column.values.values())))  # extremes found once
    scores, failed = {}, {}
    for key, value in column.values.items():
        try:
            scores[key] = compute(value)
        except MethodError as exc:
            failed[key] = f"criterion '{leaf.id}' ({leaf.method}): {exc}"
    if failed:
        return [], [Unscorable(bid.bidder.id, leaf.id, source, _origin(source), failed[key])
                    for bid, key in zip(bids, column.keys) if key in failed]  # fmt: skip
    return list(map(scores.__getitem__, column.keys)), []


def _origin(source: str) -> tuple:
    if source in METRICS:
        return METRIC_ORIGIN.get(source, ("clusters",))
    return tuple(source.split("."))


# Each scorer below is built once per criterion with its constants worked out, then called
# for every bid: at 10,000 bids these loops are the whole cost of scoring.


def _compute(rubric: Rubric, leaf: Criterion, peers: Peers) -> Callable[[Any], CriterionScore]:
    """The scorer of a computed leaf: its method's exact share, rounded once."""
    method = REGISTRY[leaf.method or ""].score
    places, metric_places, mode = rubric.rounding.places, rubric.rounding.metric_places, rubric.rounding.mode
    points, per = leaf.points.as_integer_ratio()
    meets = _meets(leaf)

    def score(value: Any) -> CriterionScore:
        scored = method(leaf, value, peers)  # type: ignore[misc]
        share, whole = scored.ratio.as_integer_ratio()
        earned = round_ratio(points * share, per * whole, places, mode)
        return CriterionScore(leaf.id, scored.inputs, round_ratio(share, whole, metric_places, mode), earned,
                              None, meets(earned))  # fmt: skip

    return score


def _seatings(
    bidders: list[str], panel: list[Scores], leaf_ids: list[str]
) -> Iterator[tuple[Seating, list[int], dict[str, list[Column]]]]:
    """The bids grouped by who scores them (an evaluator with a conflict sits out): each group's
    seating, its bids' positions in `bidders`, and per judged leaf each seated evaluator's
    column of scores of the group's bids."""
    panel = sorted(panel, key=lambda s: s.evaluator.id)
    groups: dict[tuple[str, ...], list[int]] = {}
    flagged = {bidder for s in panel for bidder in s.evaluator.conflicts}  # usually a handful
    for position, bidder in enumerate(bidders):
        conflicted = () if bidder not in flagged else tuple(s.evaluator.id for s in panel
                                                            if bidder in s.evaluator.conflicts)  # fmt: skip
        groups.setdefault(conflicted, []).append(position)
    take = itemgetter(*leaf_ids) if len(leaf_ids) > 1 else lambda scores: (scores[leaf_ids[0]],)
    for conflicted, positions in groups.items():
        seated = [s for s in panel if s.evaluator.id not in conflicted]
        group = [bidders[p] for p in positions]
        # Each sheet read once, all leaves together (one lookup per bid, not one per score),
        # then turned around: per evaluator, per leaf, a column of the group's scores.
        by_evaluator = [zip(*map(take, map(s.scores.__getitem__, group))) for s in seated]
        by_leaf: dict[str, list[Column]] = {leaf_id: [] for leaf_id in leaf_ids}  # nobody seated: refused below
        by_leaf.update(zip(leaf_ids, map(list, zip(*by_evaluator))))
        yield seating([s.evaluator.id for s in seated], list(conflicted)), positions, by_leaf


def _judge(rubric: Rubric, leaf: Criterion) -> Callable[[Seating, list[Column]], list[CriterionScore]]:
    """The scorer of a judged leaf for a group of bids with the same seating: each panel's
    trimmed mean, as a share of the points."""
    places, metric_places, mode = rubric.rounding.places, rubric.rounding.metric_places, rubric.rounding.mode
    rule, scale, leaf_id = rubric.panel, leaf.scale or "percent", leaf.id
    points, per_point = leaf.points.as_integer_ratio()
    meets = _meets(leaf)

    def shares(mean: Decimal) -> tuple[dict, Decimal, Decimal, bool | None]:
        """(inputs, ratio, points earned, meets the minimum) for a panel mean: the same for
        every bid whose panel reached it, so worked out and built once."""
        numerator, per = mean.as_integer_ratio()
        if scale == "percent":  # points × mean% ÷ 100
            earned = round_ratio(points * numerator, per_point * per * 100, places, mode)
            ratio = round_ratio(numerator, per * 100, metric_places, mode)
        else:  # the mean is in points already
            earned, ratio = mean, round_ratio(numerator * per_point, per * points, metric_places, mode)
        return {"panel_mean": mean}, ratio, earned, meets(earned)

    by_mean = Pool(shares)  # the means of 10,000 panels take a few hundred values

    def score(seats: Seating, scores: list[Column]) -> list[CriterionScore]:
        panels = aggregate_columns(seats, scores, rule, places, mode)
        inputs, ratios, earned, reached = list(zip(*map(by_mean.__getitem__, panels.means))) or ((),) * 4
        # The named tuples are made as `_make` makes them, by tuple.__new__, but from inside
        # map: no Python-level call per bid.
        details = map(tuple.__new__, repeat(PanelDetail),
                      zip(repeat(scale), repeat(panels.trimmed), panels.means, panels.spreads, panels.entries))
        return list(map(tuple.__new__, repeat(CriterionScore),
                        zip(repeat(leaf_id), inputs, ratios, earned, details, reached)))  # fmt: skip

    return score


def _score_parents(rubric: Rubric, columns: dict[str, list]) -> None:
    """Adds each parent's column: per bid, the sum of its children's rounded scores (inside
    exact_operators(): exact)."""
    places, mode = rubric.rounding.metric_places, rubric.rounding.mode
    for node in reversed(list(rubric.nodes())):  # rubric order has a parent before its children
        if node.children:
            totals = list(map(sum, zip(*[map(_SCORE, columns[child.id]) for child in node.children])))
            ratios, meets = list(zip(*map(_parent_shares(node, places, mode), totals))) or ((), ())
            columns[node.id] = list(map(tuple.__new__, repeat(CriterionScore), zip(
                repeat(node.id), repeat(_NO_INPUTS), ratios, totals, repeat(None), meets)))  # fmt: skip


_SCORE = attrgetter("score")
_NO_INPUTS: dict = {}  # a parent's working is its children: every parent score shares this empty one


def _parent_shares(node: Criterion, places: int, mode: str) -> Callable[[Decimal], tuple[Decimal, bool | None]]:
    """(ratio, meets the minimum) of a parent's total."""
    points, per_point = node.points.as_integer_ratio()
    meets = _meets(node)

    def shares(total: Decimal) -> tuple[Decimal, bool | None]:
        earned, per = total.as_integer_ratio()
        return round_ratio(earned * per_point, per * points, places, mode), meets(total)

    return shares


def _meets(node: Criterion) -> Callable[[Decimal], bool | None]:
    """Whether a score reaches the node's minimum (None when it has none)."""
    if node.min_ratio is None:
        return lambda score: None
    minimum = node.points * node.min_ratio
    return lambda score: score >= minimum

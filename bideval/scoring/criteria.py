"""Score every criterion of every bid that passed the gates.

Scores are named tuples built directly from values this module computed and typed: at
10,000 bids there are 220,000 of them. Rounding works on integer ratios for the same reason.

Leaves are scored by their method (computed) or by the panel (judged) and rounded
once; a parent's score is the sum of its children's rounded scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from bideval.decimals import exact_operators, round_ratio
from bideval.fields import METRICS, field_reader
from bideval.memory import Pool
from bideval.model.bid import Bid
from bideval.model.rubric import Criterion, Rubric
from bideval.model.scores import Scores
from bideval.result import CriterionScore, PanelDetail
from bideval.scoring.methods import REGISTRY, MethodError, Peers
from bideval.scoring.panel import Seating, aggregate_seated, seating

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
    leaf_scores: dict[str, dict[str, CriterionScore]] = {b.bidder.id: {} for b in bids}
    judges = [(leaf.id, _judge(rubric, leaf)) for leaf in rubric.judged()]
    panel = sorted(panel, key=lambda s: s.evaluator.id)
    seatings: dict[tuple, Seating] = {}
    with exact_operators():
        for bidder, scores in leaf_scores.items():  # bid by bid: its panel's sheets stay in the CPU cache
            seats, sheets = _seats(bidder, panel, seatings)
            for leaf_id, judge in judges:
                scores[leaf_id] = judge(seats, sheets)
    unscorable = [problem for leaf in rubric.leaves() if leaf.method != "judged"
                  for problem in _score_computed(rubric, leaf, bids, metrics, leaf_scores)]  # fmt: skip
    if unscorable:
        return {}, unscorable
    with_parents = _parents(rubric)
    with exact_operators():
        return {bidder: with_parents(scores) for bidder, scores in leaf_scores.items()}, []


def _score_computed(
    rubric: Rubric, leaf: Criterion, bids: list[Bid], metrics: dict[str, dict], into: dict[str, dict]
) -> list[Unscorable]:
    """Score a computed leaf for every bid (into `into[bidder][leaf id]`); what cannot be scored."""
    source = leaf.source or ""
    read = field_reader(source)
    values = {b.bidder.id: read(b, metrics[b.bidder.id]) for b in bids}
    missing = [bidder for bidder, value in values.items() if value is None]
    what = "metric" if source in METRICS else "field"
    if missing:
        return [Unscorable(bidder, leaf.id, source, _origin(source), f"criterion '{leaf.id}' needs the {what} "
                           f"'{source}', which bid '{bidder}' does not define") for bidder in missing]  # fmt: skip
    unscorable = []
    compute = _compute(rubric, leaf, Peers(list(values.values())))  # peers shared: extremes found once
    for bidder, value in values.items():
        try:
            into[bidder][leaf.id] = compute(value)
        except MethodError as exc:
            unscorable.append(Unscorable(bidder, leaf.id, source, _origin(source),
                                         f"criterion '{leaf.id}' ({leaf.method}): {exc}"))  # fmt: skip
    return unscorable


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

    # Bids with the same value, spelled the same, get the same (immutable) score: a method is
    # a pure function of the value once the peers are fixed.
    by_value = Pool(lambda key: score(key[-1]))

    def score_once(value: Any) -> CriterionScore:
        kind = value.__class__
        if kind is int or kind is bool:
            return by_value[kind, value]
        if kind is Decimal:
            return by_value[kind, str(value), value]
        return score(value)

    return score_once


def _seats(bidder: str, panel: list[Scores], seatings: dict[tuple, Seating]) -> tuple[Seating, list[dict]]:
    """Who scores `bidder` (from `seatings`, by conflicted evaluators), and their scores of this
    bid in the same order. `panel` is sorted by evaluator id. Found once per bid."""
    sheets, conflicted = [], []
    for scores in panel:
        if bidder in scores.evaluator.conflicts:
            conflicted.append(scores.evaluator.id)
        else:
            sheets.append(scores.scores[bidder])
    if tuple(conflicted) not in seatings:
        ids = [s.evaluator.id for s in panel if s.evaluator.id not in conflicted]
        seatings[tuple(conflicted)] = seating(ids, conflicted)
    return seatings[tuple(conflicted)], sheets


def _judge(rubric: Rubric, leaf: Criterion) -> Callable[[Seating, list[dict]], CriterionScore]:
    """The scorer of a judged leaf: the panel's trimmed mean, as a share of the points."""
    places, metric_places, mode = rubric.rounding.places, rubric.rounding.metric_places, rubric.rounding.mode
    rule, scale, leaf_id, get = rubric.panel, leaf.scale or "percent", leaf.id, itemgetter(leaf.id)
    points, per_point = leaf.points.as_integer_ratio()
    meets = _meets(leaf)

    def shares(mean: Decimal) -> tuple[dict, Decimal, Decimal, bool | None]:
        """(inputs, points earned, ratio, meets the minimum) for a panel mean: the same for
        every bid whose panel reached it, so worked out and built once."""
        numerator, per = mean.as_integer_ratio()
        if scale == "percent":  # points × mean% ÷ 100
            earned = round_ratio(points * numerator, per_point * per * 100, places, mode)
            ratio = round_ratio(numerator, per * 100, metric_places, mode)
        else:  # the mean is in points already
            earned, ratio = mean, round_ratio(numerator * per_point, per * points, metric_places, mode)
        return {"panel_mean": mean}, earned, ratio, meets(earned)

    by_mean = Pool(shares)  # the means of 10,000 panels take a few hundred values

    def score(seats: Seating, sheets: list[dict]) -> CriterionScore:
        outcome = aggregate_seated(seats, list(map(get, sheets)), rule, places, mode)
        inputs, earned, ratio, reached = by_mean[outcome.mean]
        detail = PanelDetail(scale, outcome.trimmed, outcome.mean, outcome.spread, outcome.entries)
        return CriterionScore(leaf_id, inputs, ratio, earned, detail, reached)

    return score


def _parents(rubric: Rubric) -> Callable[[dict[str, CriterionScore]], list[CriterionScore]]:
    """Turns a bid's leaf scores into all nodes in rubric order, each parent scored as the
    sum of its children's rounded scores (inside exact_operators(): exact)."""
    nodes = list(rubric.nodes())  # rubric order: a parent before its children
    slot = {node.id: i for i, node in enumerate(nodes)}
    places, mode = rubric.rounding.metric_places, rubric.rounding.mode
    # Latest first, so every child is scored before its parent.
    plan = [(i, node.id, [slot[c.id] for c in node.children], node.points.as_integer_ratio(), _meets(node))
            for i, node in reversed(list(enumerate(nodes))) if node.children]  # fmt: skip

    def with_parents(leaves: dict[str, CriterionScore]) -> list[CriterionScore]:
        ordered = [leaves.get(node.id) for node in nodes]
        for i, node_id, children, (points, per_point), meets in plan:
            total = sum([ordered[c].score for c in children])  # type: ignore[union-attr]  # exact_operators
            earned, per = total.as_integer_ratio()
            ratio = round_ratio(earned * per_point, per * points, places, mode)
            ordered[i] = CriterionScore(node_id, {}, ratio, total, None, meets(total))
        return ordered  # type: ignore[return-value]

    return with_parents


def _meets(node: Criterion) -> Callable[[Decimal], bool | None]:
    """Whether a score reaches the node's minimum (None when it has none)."""
    if node.min_ratio is None:
        return lambda score: None
    minimum = node.points * node.min_ratio
    return lambda score: score >= minimum

"""Score every criterion of every bid that passed the gates.

Result parts are built with `trusted` (no validation): the values come from this module,
already typed, and validating hundreds of thousands of them dominated the run time at
10,000 bids. Rounding works on integer ratios for the same reason.

Leaves are scored by their method (computed) or by the panel (judged) and rounded
once; a parent's score is the sum of its children's rounded scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bideval.decimals import round_ratio
from bideval.fields import METRICS, field_value
from bideval.model.bid import Bid
from bideval.model.rubric import Criterion, Rubric
from bideval.model.scores import Scores
from bideval.result import CriterionScore, PanelDetail
from bideval.scoring.methods import REGISTRY, MethodError, Peers
from bideval.scoring.panel import aggregate

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
    unscorable: list[Unscorable] = []
    seats = {b.bidder.id: _seats(b.bidder.id, panel) for b in bids}
    for leaf in rubric.leaves():
        if leaf.method == "judged":
            for bid in bids:
                leaf_scores[bid.bidder.id][leaf.id] = _judged(rubric, leaf, *seats[bid.bidder.id])
            continue
        values = {b.bidder.id: field_value(b, metrics[b.bidder.id], leaf.source or "") for b in bids}
        missing = [b for b in bids if values[b.bidder.id] is None]
        for bid in missing:
            what = "metric" if leaf.source in METRICS else "field"
            unscorable.append(Unscorable(bid.bidder.id, leaf.id, leaf.source or "", _origin(leaf.source or ""),
                                         f"criterion '{leaf.id}' needs the {what} '{leaf.source}', which bid "
                                         f"'{bid.bidder.id}' does not define"))  # fmt: skip
        if missing:
            continue
        peers = Peers(list(values.values()))  # shared by every bid: extremes found once
        for bid in bids:
            try:
                leaf_scores[bid.bidder.id][leaf.id] = _computed(rubric, leaf, values[bid.bidder.id], peers)
            except MethodError as exc:
                unscorable.append(Unscorable(bid.bidder.id, leaf.id, leaf.source or "", _origin(leaf.source or ""),
                                             f"criterion '{leaf.id}' ({leaf.method}): {exc}"))  # fmt: skip
    if unscorable:
        return {}, unscorable
    return {bidder: _with_parents(rubric, scores) for bidder, scores in leaf_scores.items()}, []


def _origin(source: str) -> tuple:
    if source in METRICS:
        return METRIC_ORIGIN.get(source, ("clusters",))
    return tuple(source.split("."))


def _computed(rubric: Rubric, leaf: Criterion, value, peers: list) -> CriterionScore:  # noqa: ANN001
    method = REGISTRY[leaf.method or ""]
    scored = method.score(leaf, value, peers)  # type: ignore[misc]
    places, mode = rubric.rounding.places, rubric.rounding.mode
    share, whole = scored.ratio.as_integer_ratio()
    points, per = leaf.points.as_integer_ratio()
    score = round_ratio(points * share, per * whole, places, mode)
    return CriterionScore.trusted(id=leaf.id, inputs=scored.inputs, panel=None, score=score,
                                  ratio=round_ratio(share, whole, rubric.rounding.metric_places, mode),
                                  meets_minimum=_meets(leaf, score))  # fmt: skip


Seats = tuple[list[tuple[str, dict]], list[str]]


def _seats(bidder: str, panel: list[Scores]) -> Seats:
    """Who scores `bidder`: (evaluator id, their scores of this bid) for each evaluator without
    a conflict, and the conflicted evaluators' ids — found once per bid, not per criterion."""
    given = [(s.evaluator.id, s.scores[bidder]) for s in panel if bidder not in s.evaluator.conflicts]
    return given, [s.evaluator.id for s in panel if bidder in s.evaluator.conflicts]


def _judged(rubric: Rubric, leaf: Criterion, given: list[tuple[str, dict]], conflicted: list[str]) -> CriterionScore:
    places, mode = rubric.rounding.places, rubric.rounding.mode
    outcome = aggregate({e: scores[leaf.id] for e, scores in given}, conflicted, rubric.panel, places, mode)
    scale = leaf.scale or "percent"
    mean, per = outcome.mean.as_integer_ratio()
    points, per_point = leaf.points.as_integer_ratio()
    if scale == "percent":  # points × mean% ÷ 100
        score = round_ratio(points * mean, per_point * per * 100, places, mode)
        share = (mean, per * 100)
    else:  # the mean is in points already
        score = outcome.mean
        share = (mean * per_point, per * points)
    detail = PanelDetail.trusted(scale=scale, trimmed=outcome.trimmed, mean=outcome.mean, spread=outcome.spread,
                                 scores=outcome.entries)  # fmt: skip
    return CriterionScore.trusted(id=leaf.id, inputs={"panel_mean": outcome.mean}, score=score, panel=detail,
                                  ratio=round_ratio(*share, rubric.rounding.metric_places, mode),
                                  meets_minimum=_meets(leaf, score))  # fmt: skip


def _with_parents(rubric: Rubric, leaves: dict[str, CriterionScore]) -> list[CriterionScore]:
    """All nodes in rubric order, parents scored as the sum of their children."""
    ordered: list[CriterionScore] = []

    def visit(node: Criterion) -> Decimal:
        if node.is_leaf:
            ordered.append(leaves[node.id])
            return leaves[node.id].score
        slot = len(ordered)
        ordered.append(leaves.get(node.id))  # type: ignore[arg-type]  # placeholder, filled below
        total = sum((visit(child) for child in node.children or ()), Decimal(0))
        (earned, per), (points, per_point) = total.as_integer_ratio(), node.points.as_integer_ratio()
        ratio = round_ratio(earned * per_point, per * points, rubric.rounding.metric_places, rubric.rounding.mode)
        ordered[slot] = CriterionScore.trusted(id=node.id, inputs={}, panel=None, ratio=ratio, score=total,
                                               meets_minimum=_meets(node, total))  # fmt: skip
        return total

    for top in rubric.criteria:
        visit(top)
    return ordered


def _meets(node: Criterion, score: Decimal) -> bool | None:
    if node.min_ratio is None:
        return None
    return score >= node.points * node.min_ratio

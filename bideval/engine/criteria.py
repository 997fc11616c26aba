"""Score every criterion of every bid that passed the gates.

A leaf is scored by its method (computed from the bid) or by the panel (judged), and rounded
once to the rubric's places; a parent's score is the sum of its children's rounded scores
(DESIGN §2.1 `rounding`: "totals are sums of rounded parts").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from bideval.engine.methods import REGISTRY, MethodError, Peers, Share
from bideval.engine.panel import aggregate, moderate
from bideval.engine.result import CriterionScore, PanelDetail
from bideval.engine.rounding import EXACT, exact_sum, round_quotient, round_to
from bideval.model.bid import Bid
from bideval.model.fields import METRICS, field_value
from bideval.model.rubric import Criterion, Rubric
from bideval.model.scores import Agreed, Moderated, Scores

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
    rubric: Rubric, bids: list[Bid], metrics: dict[str, dict], panel: list[Scores], tops: list[Criterion] | None = None,
    agreed: Moderated | None = None,
) -> tuple[dict[str, list[CriterionScore]], list[Unscorable]]:
    """Each bid's criterion scores, every node in rubric order (bidder id → scores), or what
    cannot be scored. `bids` are the bids that passed the gates (and every earlier stage); `tops`,
    the categories to score (a stage's; default every one); `agreed`, a moderated panel's scores."""
    tops = rubric.criteria if tops is None else tops
    nodes = [node for top in tops for node in top.walk()]
    judged = [n for n in nodes if n.is_leaf and n.method == "judged"]
    leaves = _judged_leaves(rubric, judged, bids, panel, agreed)  # leaf → bidder → score
    unscorable: list[Unscorable] = []
    for leaf in nodes:
        if leaf.is_leaf and leaf.method != "judged":
            leaves[leaf.id], problems = score_computed(rubric, leaf, bids, metrics)
            unscorable += problems
    if unscorable:
        return {}, unscorable
    scores = {}
    for bid in bids:
        by_node: dict[str, CriterionScore] = {}
        for top in tops:
            _add_node(rubric, top, {leaf: column[bid.bidder.id] for leaf, column in leaves.items()}, by_node)
        scores[bid.bidder.id] = [by_node[node.id] for node in nodes]
    return scores, []


def _judged_leaves(
    rubric: Rubric, judged: list[Criterion], bids: list[Bid], panel: list[Scores], agreed: Moderated | None
) -> dict[str, dict[str, CriterionScore]]:
    """The `judged` leaves' scores of every bid (leaf id → bidder id → score). A bid is scored by the
    evaluators without a conflict with it (brief §2: 제척·기피·회피); each score keeps its comment."""
    leaves: dict[str, dict[str, CriterionScore]] = {leaf.id: {} for leaf in judged}
    for bid in bids:
        bidder = bid.bidder.id
        seated = [sheet for sheet in panel if bidder not in sheet.evaluator.conflicts]
        conflicted = [sheet.evaluator.id for sheet in panel if bidder in sheet.evaluator.conflicts]
        for leaf in judged:
            given = {sheet.evaluator.id: sheet.scores[bidder][leaf.id] for sheet in seated}
            comments = {s.evaluator.id: s.comments[bidder][leaf.id] for s in seated
                        if leaf.id in s.comments.get(bidder, {})}  # fmt: skip
            settled = agreed.scores[bidder][leaf.id] if agreed is not None else None
            leaves[leaf.id][bidder] = score_judged(rubric, leaf, given, conflicted, comments, settled)
    return leaves


def _add_node(rubric: Rubric, node: Criterion, leaves: dict[str, CriterionScore], into: dict[str, CriterionScore]) -> None:
    """`node`'s score and its descendants' into `into`: a leaf's as scored, a parent's summed."""
    if node.is_leaf:
        into[node.id] = leaves[node.id]
        return
    for child in node.children or ():
        _add_node(rubric, child, leaves, into)
    total = exact_sum(into[child.id].score for child in node.children or ())
    ratio = round_quotient(total, node.points, rubric.rounding.metric_places, rubric.rounding.mode)
    into[node.id] = CriterionScore(id=node.id, inputs={}, ratio=ratio, score=total, meets_minimum=meets_minimum(node, total))


def score_computed(
    rubric: Rubric, leaf: Criterion, bids: list[Bid], metrics: dict[str, dict]
) -> tuple[dict[str, CriterionScore], list[Unscorable]]:
    """A computed leaf's score for each bid (bidder id → score), or what cannot be scored."""
    source = leaf.source or ""
    values = [field_value(bid, metrics[bid.bidder.id], source) for bid in bids]
    if None in values:
        what = "metric" if source in METRICS else "field"
        return {}, [Unscorable(bid.bidder.id, leaf.id, source, _origin(source), f"criterion '{leaf.id}' needs the "
                               f"{what} '{source}', which bid '{bid.bidder.id}' does not define")
                    for bid, value in zip(bids, values) if value is None]  # fmt: skip
    method, peers = REGISTRY[leaf.method or ""], Peers(values)
    scores, unscorable = {}, []
    for bid, value in zip(bids, values):
        try:
            share = method.score(leaf, value, peers)  # type: ignore[misc]
        except MethodError as exc:
            unscorable.append(Unscorable(bid.bidder.id, leaf.id, source, _origin(source),
                                         f"criterion '{leaf.id}' ({leaf.method}): {exc}"))  # fmt: skip
            continue
        scores[bid.bidder.id] = _computed_score(rubric, leaf, share)
    return scores, unscorable


def _computed_score(rubric: Rubric, leaf: Criterion, share: Share) -> CriterionScore:
    """points × share, rounded once to the rubric's places; the share itself to its metric places."""
    rounding = rubric.rounding
    earned = round_to(Fraction(leaf.points) * share.ratio, rounding.places, rounding.mode)
    return CriterionScore(id=leaf.id, inputs=share.inputs, ratio=round_to(share.ratio, rounding.metric_places,
                          rounding.mode), score=earned, meets_minimum=meets_minimum(leaf, earned))  # fmt: skip


def _origin(source: str) -> tuple:
    if source in METRICS:
        return METRIC_ORIGIN.get(source, ("clusters",))
    return tuple(source.split("."))


def score_judged(rubric: Rubric, leaf: Criterion, given: dict[str, Decimal], conflicted: list[str],
                 comments: dict[str, str] | None = None, agreed: Agreed | None = None) -> CriterionScore:  # fmt: skip
    """A judged leaf of one bid, from the scores `given` by the evaluators seated (evaluator id →
    score): the panel's trimmed mean — or, moderated, the score it `agreed` — as a percentage of
    the points (`scale: percent`, the default: points × mean ÷ 100) or in points (`scale: points`:
    the mean is the score). Each evaluator's comment is kept with its score."""
    rounding, scale = rubric.rounding, leaf.scale or "percent"
    if agreed is None:
        outcome = aggregate(given, conflicted, rubric.panel, rounding.places, rounding.mode)
    else:
        outcome = moderate(given, conflicted, agreed.score, rounding.places, rounding.mode)
    mean = outcome.mean
    if scale == "percent":
        earned = round_quotient(EXACT.multiply(leaf.points, mean), 100, rounding.places, rounding.mode)
        ratio = round_quotient(mean, 100, rounding.metric_places, rounding.mode)
    else:
        earned = mean
        ratio = round_quotient(mean, leaf.points, rounding.metric_places, rounding.mode)
    entries = [replace(entry, comment=(comments or {}).get(entry.evaluator)) for entry in outcome.entries]
    detail = PanelDetail(scale=scale, trimmed=outcome.trimmed, mean=outcome.mean, spread=outcome.spread,
                         scores=entries, method="moderated" if agreed else "trimmed_mean",
                         rationale=agreed.rationale if agreed else None)  # fmt: skip
    return CriterionScore(id=leaf.id, inputs={"panel_mean": outcome.mean}, ratio=ratio, score=earned, panel=detail,
                          meets_minimum=meets_minimum(leaf, earned))  # fmt: skip


def meets_minimum(node: Criterion, score: Decimal) -> bool | None:
    """Whether a score reaches the node's category minimum, points × min_ratio (None: it has none)."""
    if node.min_ratio is None:
        return None
    return score >= EXACT.multiply(node.points, node.min_ratio)

"""The one evaluation pipeline: `evaluate(inputs) -> Result` (DESIGN §1).

metrics → gates → criterion scores → category minimums → thresholds → ranking → award.
Pure: it reads the loaded inputs and returns a new immutable Result.
"""

from __future__ import annotations

from decimal import Decimal

from bideval import __version__
from bideval.engine.criteria import score_bids
from bideval.engine.gates import check_gates
from bideval.engine.methods import REGISTRY
from bideval.engine.metrics import cluster_working, compute_metrics
from bideval.engine.panel import extremes
from bideval.engine.rank import Candidate, Decision, Placed, decide, rank
from bideval.engine.result import (
    BidResult,
    CriterionInfo,
    Evaluator,
    InputFile,
    Outcome,
    Reason,
    Result,
    ResultWarning,
    RubricInfo,
)  # fmt: skip
from bideval.engine.rounding import EXACT
from bideval.engine.standing import Standing, ranking_keys, standing_of
from bideval.errors import InputError
from bideval.load.inputs import Inputs
from bideval.model.fields import NEEDS_PRECISION
from bideval.model.rubric import Criterion, Rubric


def evaluate(inputs: Inputs) -> Result:
    rubric = inputs.rubric
    bids = [bid for bid, _ in inputs.bids]
    panel = [scores for scores, _ in inputs.panel]
    metrics = {b.bidder.id: compute_metrics(b, rubric, inputs.catalog) for b in bids}
    gates = {b.bidder.id: check_gates(rubric.eligibility, b, metrics[b.bidder.id]) for b in bids}
    passed = [b for b in bids if all(g.passed for g in gates[b.bidder.id])]
    scores, unscorable = score_bids(rubric, passed, metrics, panel)
    if unscorable:
        docs = {bid.bidder.id: source.doc for bid, source in inputs.bids}
        raise InputError([docs[u.bidder].problem(u.path, u.message) for u in unscorable])

    standings = {b.bidder.id: standing_of(rubric, b.price, gates[b.bidder.id], scores.get(b.bidder.id, [])) for b in bids}
    eligible = [b for b in bids if standings[b.bidder.id].status == "eligible"]
    placed = rank([Candidate(b.bidder.id, b.price, ranking_keys(rubric, standings[b.bidder.id])) for b in eligible])
    decision = decide(placed, rubric.award)
    places = {p.bidder: p for p in placed}
    results = []
    for bid, source in inputs.bids:
        bidder = bid.bidder.id
        standing, place = standings[bidder], places.get(bidder)
        status, reasons = _final_status(standing, place, decision)
        results.append(BidResult(
            bidder_id=bidder, name=bid.bidder.name, file=source.name, price=bid.price, gates=gates[bidder],
            clusters=cluster_working(bid, rubric, inputs.catalog), metrics=metrics[bidder],
            criteria=scores.get(bidder, []), categories=standing.categories, technical=standing.technical,
            within_budget=standing.within_budget, total=standing.total, status=status,
            rank=place.rank if place else None, rank_decided_by=_decided_by(rubric, place), reasons=reasons,
        ))  # fmt: skip
    # Ranked bids first, in rank order, then the rest by bidder id.
    order = {p.bidder: i for i, p in enumerate(placed)}
    results.sort(key=lambda r: (order.get(r.bidder_id, len(order)), r.bidder_id))
    return Result(
        tool_version=__version__,
        rubric=_rubric_info(rubric),
        inputs=_input_files(inputs),
        evaluators=[Evaluator(id=s.evaluator.id, name=s.evaluator.name, conflicts=sorted(s.evaluator.conflicts))
                    for s in panel],  # fmt: skip
        bids=results,
        outcome=Outcome(kind=decision.kind, winners=decision.winners, valid_bids=len(eligible), tied=decision.tied),
        warnings=_warnings(inputs, results, decision),
    )


def _final_status(standing: Standing, place: Placed | None, decision: Decision) -> tuple[str, list[Reason]]:
    """A ranked bid is selected or stays eligible, with the reason it was not selected."""
    if place is None:
        return standing.status, list(standing.reasons)
    if place.bidder in decision.winners:
        return "selected", list(standing.reasons)
    if decision.kind == "failed_tender":
        code = "failed_tender"
    elif place.bidder in decision.tied:
        code = "tie_unresolved"
    else:
        code = "not_selected_rank"
    return "eligible", [*standing.reasons, Reason(code=code)]


def _decided_by(rubric: Rubric, place: Placed | None) -> str | None:
    """Which key told a ranked bid from its neighbours: "total" or a tie-break entry (None when
    unranked, or tied on every key)."""
    if place is None or place.tied:
        return None
    keys = ["total", *rubric.ranking.tie_break]
    return keys[min(place.resolved_by, len(keys) - 1)]


def _rubric_info(rubric: Rubric) -> RubricInfo:
    criteria = []

    def visit(node: Criterion, parent: str | None, depth: int) -> None:
        method = REGISTRY.get(node.method or "")
        criteria.append(CriterionInfo(
            id=node.id, parent=parent, depth=depth, label=node.label, points=node.points, method=node.method,
            source=node.source, formula=method.formula(node) if method else None, min_ratio=node.min_ratio,
        ))  # fmt: skip
        for child in node.children or ():
            visit(child, node.id, depth + 1)

    for top in rubric.criteria:
        visit(top, None, 0)
    return RubricInfo(
        id=rubric.id, title=rubric.title, issuer=rubric.issuer, currency=rubric.currency,
        evaluation_date=rubric.evaluation_date, precision=rubric.compute.precision if rubric.compute else None,
        total_points=rubric.total_points, rounding=rubric.rounding.model_dump(), panel=rubric.panel.model_dump(),
        thresholds=rubric.thresholds.model_dump(), tie_break=rubric.ranking.tie_break,
        award=rubric.award.model_dump(), criteria=criteria,
    )  # fmt: skip


def _input_files(inputs: Inputs) -> list[InputFile]:
    sources = [inputs.rubric_source, *inputs.catalog_sources]
    sources += [s for _, s in inputs.bids] + [s for _, s in inputs.panel]
    return [InputFile(role=s.role, name=s.name, sha256=s.sha256) for s in sources]


def _warnings(inputs: Inputs, results: list[BidResult], decision: Decision) -> list[ResultWarning]:
    rubric = inputs.rubric
    warnings = _spread_warnings(rubric, results)
    if decision.tied:
        warnings.append(ResultWarning(code="tie_unresolved", detail={"bidders": decision.tied}))
    uses_precision = any(c.source in NEEDS_PRECISION for c in rubric.leaves())
    for bid, _ in inputs.bids if uses_precision else ():
        uncertain = sorted({c.gpu for c in bid.clusters if inputs.catalog.gpus[c.gpu].uncertain})
        if uncertain:
            warnings.append(ResultWarning(code="uncertain_gpu_figure", bidder=bid.bidder.id, detail={"gpus": uncertain}))
    return warnings


def _spread_warnings(rubric: Rubric, results: list[BidResult]) -> list[ResultWarning]:
    """A warning for each panel whose scores spread wider than `panel.spread_warning` of the
    item's maximum (100 % or its points), in result order, each bid's in rubric order."""
    judged = {node.id: node for node in rubric.judged()}
    warnings = []
    for bid in results:
        for score in bid.criteria:  # empty for a bid that failed a gate
            if score.id not in judged or score.panel is None:
                continue
            node = judged[score.id]
            maximum = Decimal(100) if (node.scale or "percent") == "percent" else node.points
            limit = EXACT.multiply(maximum, rubric.panel.spread_warning)
            if score.panel.spread > limit:
                highest, lowest = extremes(score.panel.scores)
                warnings.append(ResultWarning(code="panel_spread", bidder=bid.bidder_id, criterion=score.id, detail={
                    "spread": score.panel.spread, "limit": limit, "highest": highest, "lowest": lowest}))  # fmt: skip
    return warnings

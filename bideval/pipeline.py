"""The one evaluation pipeline: `evaluate(inputs) -> Result` (DESIGN §1).

metrics → gates → criterion scores → category minimums → thresholds → ranking → award.
Pure: it reads the loaded inputs and returns a new immutable Result.
"""

from __future__ import annotations

from decimal import Decimal

from bideval import __version__
from bideval.errors import InputError
from bideval.fields import NEEDS_PRECISION
from bideval.load.checks import largest_items
from bideval.load.inputs import Inputs
from bideval.metrics import compute_metrics
from bideval.model.rubric import Criterion, Rubric
from bideval.rank import Candidate, Decision, decide, rank
from bideval.result import (
    BidResult, CriterionInfo, CriterionScore, Evaluator, InputFile, Outcome, Reason, Result, RubricInfo,
    Technical, Warning,
)  # fmt: skip
from bideval.scoring.criteria import score_bids
from bideval.scoring.gates import check_gates
from bideval.scoring.methods import REGISTRY


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

    partial = {}
    for bid in bids:
        bidder = bid.bidder.id
        partial[bidder] = _judge_bid(rubric, bid.price, gates[bidder], scores.get(bidder, []))
    eligible = [b for b in bids if partial[b.bidder.id]["status"] == "eligible"]
    placed = rank([Candidate(b.bidder.id, b.price, _keys(rubric, partial[b.bidder.id])) for b in eligible])
    decision = decide(placed, rubric.award)
    keys = ["total", *rubric.ranking.tie_break]
    results = []
    for bid, source in inputs.bids:
        bidder, info = bid.bidder.id, partial[bid.bidder.id]
        place = next((p for p in placed if p.bidder == bidder), None)
        status, reasons = _final_status(info, place is not None, bidder, decision)
        results.append(BidResult(
            bidder_id=bidder, name=bid.bidder.name, file=source.name, price=bid.price, gates=gates[bidder],
            metrics=metrics[bidder], criteria=scores.get(bidder, []), categories=info["categories"],
            technical=info["technical"], within_budget=info["within_budget"], total=info["total"],
            status=status, rank=place.rank if place else None,
            rank_decided_by=None if place is None or place.tied else keys[min(place.resolved_by, len(keys) - 1)],
            reasons=reasons,
        ))  # fmt: skip
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


def _judge_bid(rubric: Rubric, price: int, gates: list, criteria: list[CriterionScore]) -> dict:
    """Status before ranking: excluded (gate or category minimum), below_threshold, or eligible."""
    reasons = [Reason(code="gate_failed", subject=g.id, actual=g.actual, required=_gate_text(g))
               for g in gates if not g.passed]  # fmt: skip
    if reasons:
        return {"status": "excluded", "reasons": reasons, "categories": {}, "technical": None,
                "within_budget": None, "total": None, "by_id": {}}  # fmt: skip
    by_id = {c.id: c for c in criteria}
    categories = {top.id: by_id[top.id].score for top in rubric.criteria}
    total = sum(categories.values(), Decimal(0))
    for node in rubric.nodes():
        if by_id[node.id].meets_minimum is False:
            reasons.append(Reason(code="below_minimum", subject=node.id, actual=by_id[node.id].score,
                                  required=node.points * node.min_ratio))  # fmt: skip
    technical = _technical(rubric, by_id)
    budget = rubric.thresholds.budget
    within_budget = None if budget is None else price <= budget
    status = "excluded" if reasons else "eligible"
    if status == "eligible" and technical is not None and not technical.passed:
        status = "below_threshold"
        reasons.append(Reason(code="below_technical", actual=technical.score, required=technical.required))
    if status == "eligible" and within_budget is False:
        status = "below_threshold"
        reasons.append(Reason(code="over_budget", actual=price, required=budget))
    return {"status": status, "reasons": reasons, "categories": categories, "technical": technical,
            "within_budget": within_budget, "total": total, "by_id": by_id}  # fmt: skip


def _gate_text(gate) -> str:  # noqa: ANN001
    if gate.op == "true":
        return "true"
    value = gate.value if not isinstance(gate.value, list) else ", ".join(str(v) for v in gate.value)
    return f"{gate.op} {value}"


def _technical(rubric: Rubric, by_id: dict[str, CriterionScore]) -> Technical | None:
    rule = rubric.thresholds.technical
    if rule is None:
        return None
    score = sum((by_id[c].score for c in rule.criteria), Decimal(0))
    maximum = sum((rubric.node(c).points for c in rule.criteria), Decimal(0))
    required = maximum * rule.min_ratio
    return Technical(criteria=rule.criteria, score=score, maximum=maximum, required=required, passed=score >= required)


def _keys(rubric: Rubric, info: dict) -> tuple[Decimal, ...]:
    keys = [info["total"]]
    for entry in rubric.ranking.tie_break:
        if entry == "technical":
            keys.append(info["technical"].score)
        elif entry == "largest_item":
            keys.append(info["by_id"][largest_items(rubric)[0].id].score)
        else:
            keys.append(info["by_id"][entry].score)
    return tuple(keys)


def _final_status(info: dict, ranked: bool, bidder: str, decision: Decision) -> tuple[str, list[Reason]]:
    reasons = list(info["reasons"])
    if not ranked:
        return info["status"], reasons
    if bidder in decision.winners:
        return "selected", reasons
    if decision.kind == "failed_tender":
        reasons.append(Reason(code="failed_tender"))
    elif bidder in decision.tied:
        reasons.append(Reason(code="tie_unresolved"))
    else:
        reasons.append(Reason(code="not_selected_rank"))
    return "eligible", reasons


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


def _warnings(inputs: Inputs, results: list[BidResult], decision: Decision) -> list[Warning]:
    rubric = inputs.rubric
    warnings = []
    for result in results:
        for score in result.criteria:
            if score.panel is None:
                continue
            top = Decimal(100) if score.panel.scale == "percent" else rubric.node(score.id).points
            limit = top * rubric.panel.spread_warning
            if score.panel.spread > limit:
                given = [s for s in score.panel.scores if s.score is not None]
                high = max(given, key=lambda s: (s.score, s.evaluator)).evaluator
                low = min(given, key=lambda s: (s.score, s.evaluator)).evaluator
                warnings.append(Warning(code="panel_spread", bidder=result.bidder_id, criterion=score.id,
                                        detail={"spread": score.panel.spread, "limit": limit, "highest": high,
                                                "lowest": low}))  # fmt: skip
    if decision.tied:
        warnings.append(Warning(code="tie_unresolved", detail={"bidders": decision.tied}))
    uses_precision = any(c.source in NEEDS_PRECISION for c in rubric.leaves())
    for bid, _ in inputs.bids:
        uncertain = sorted({c.gpu for c in bid.clusters if inputs.catalog.gpus[c.gpu].uncertain})
        if uses_precision and uncertain:
            warnings.append(Warning(code="uncertain_gpu_figure", bidder=bid.bidder.id, detail={"gpus": uncertain}))
    return warnings

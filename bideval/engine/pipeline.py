"""The one evaluation pipeline: `evaluate(inputs) -> Result` (DESIGN §1).

metrics → gates → criterion scores → category minimums → thresholds → ranking → award.
Pure: it reads the loaded inputs and returns a new immutable Result.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import add, attrgetter, gt
from typing import NamedTuple

from bideval import __version__
from bideval.errors import InputError
from bideval.model.fields import NEEDS_PRECISION
from bideval.load.checks import largest_items
from bideval.load.inputs import Inputs
from bideval.memory import cyclic_gc_paused
from bideval.engine.metrics import cluster_working, compute_metrics
from bideval.model.rubric import Criterion, Rubric
from bideval.engine.rank import Candidate, Decision, decide, rank
from bideval.engine.result import (
    BidResult, CriterionInfo, CriterionScore, Evaluator, GateCheck, InputFile, Outcome, Reason, Result,
    ResultWarning, RubricInfo, Technical,
)  # fmt: skip
from bideval.engine.criteria import score_bids
from bideval.engine.gates import check_gates
from bideval.engine.methods import REGISTRY
from bideval.engine.panel import extremes


def evaluate(inputs: Inputs) -> Result:
    with cyclic_gc_paused():
        return _evaluate(inputs)


def _evaluate(inputs: Inputs) -> Result:
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

    rules = Rules.of(rubric)
    standings = {b.bidder.id: _standing(rules, b.price, gates[b.bidder.id], scores.get(b.bidder.id, [])) for b in bids}
    eligible = [b for b in bids if standings[b.bidder.id].status == "eligible"]
    placed = rank([Candidate(b.bidder.id, b.price, _keys(rules, standings[b.bidder.id])) for b in eligible])
    decision = decide(placed, rubric.award)
    keys = ["total", *rubric.ranking.tie_break]
    rows = []
    places = {p.bidder: p for p in placed}
    for bid, source in inputs.bids:
        bidder, standing = bid.bidder.id, standings[bid.bidder.id]
        place = places.get(bidder)
        status, reasons = _final_status(standing, place is not None, bidder, decision)
        rows.append(dict(
            bidder_id=bidder, name=bid.bidder.name, file=source.name, price=bid.price, gates=gates[bidder],
            clusters=cluster_working(bid, rubric, inputs.catalog), metrics=metrics[bidder],
            criteria=scores.get(bidder, []), categories=standing.categories,
            technical=standing.technical, within_budget=standing.within_budget, total=standing.total,
            status=status, rank=place.rank if place else None,
            rank_decided_by=None if place is None or place.tied else keys[min(place.resolved_by, len(keys) - 1)],
            reasons=reasons,
        ))  # fmt: skip
    results = BidResult.trusted_all(rows)  # every value typed here; validating 10,000 copied their lists
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


class Standing(NamedTuple):  # a tuple: one is made per bid
    """A bid's position before ranking."""

    status: str  # excluded | below_threshold | eligible
    reasons: list[Reason]
    criteria: list[CriterionScore]  # rubric order; empty when a gate failed
    categories: dict[str, Decimal]
    technical: Technical | None
    within_budget: bool | None
    total: Decimal | None


@dataclass(frozen=True)
class Rules:
    """What the rubric asks of every bid, worked out once instead of once per bid."""

    slots: dict[str, int]  # node id → its position in rubric order (in a bid's criteria)
    categories: list[str]  # top-level criterion ids
    minimums: dict[str, Decimal]  # node id → its minimum score (points × min_ratio)
    checked: list[int]  # the positions of the nodes with a minimum, in rubric order
    technical: Technical | None  # the threshold, with score 0 and passed False as placeholders
    budget: int | None
    tie_break: list[str]  # criterion ids, or "technical"

    @classmethod
    def of(cls, rubric: Rubric) -> Rules:
        rule = rubric.thresholds.technical
        technical = None
        if rule is not None:
            maximum = sum((rubric.node(c).points for c in rule.criteria), Decimal(0))
            technical = Technical.trusted(criteria=rule.criteria, score=Decimal(0), maximum=maximum,
                                          required=maximum * rule.min_ratio, passed=False)  # fmt: skip
        largest = largest_items(rubric)[0].id
        return cls(
            slots={node.id: i for i, node in enumerate(rubric.nodes())},
            categories=[top.id for top in rubric.criteria],
            minimums={node.id: node.points * node.min_ratio for node in rubric.nodes() if node.min_ratio is not None},
            checked=[i for i, node in enumerate(rubric.nodes()) if node.min_ratio is not None],
            technical=technical, budget=rubric.thresholds.budget,
            tie_break=[largest if entry == "largest_item" else entry for entry in rubric.ranking.tie_break],
        )  # fmt: skip


def _standing(rules: Rules, price: int, gates: list[GateCheck], criteria: list[CriterionScore]) -> Standing:
    """Status before ranking: excluded (gate or category minimum), below_threshold, or eligible."""
    reasons = [Reason(code="gate_failed", subject=g.id, actual=g.actual, required=_gate_text(g))
               for g in gates if not g.passed]  # fmt: skip
    if reasons:
        return Standing("excluded", reasons, [], {}, None, None, None)
    categories = {top: criteria[rules.slots[top]].score for top in rules.categories}
    total = sum(categories.values(), Decimal(0))
    reasons = [Reason(code="below_minimum", subject=c.id, actual=c.score, required=rules.minimums[c.id])
               for c in map(criteria.__getitem__, rules.checked) if c.meets_minimum is False]  # fmt: skip
    technical = _technical(rules, criteria)
    within_budget = None if rules.budget is None else price <= rules.budget
    status = "excluded" if reasons else "eligible"
    if status == "eligible" and technical is not None and not technical.passed:
        status = "below_threshold"
        reasons.append(Reason(code="below_technical", actual=technical.score, required=technical.required))
    if status == "eligible" and within_budget is False:
        status = "below_threshold"
        reasons.append(Reason(code="over_budget", actual=price, required=rules.budget))
    return Standing(status, reasons, criteria, categories, technical, within_budget, total)


def _gate_text(gate: GateCheck) -> str:
    if gate.op == "true":
        return "true"
    value = gate.value if not isinstance(gate.value, list) else ", ".join(str(v) for v in gate.value)
    return f"{gate.op} {value}"


def _technical(rules: Rules, criteria: list[CriterionScore]) -> Technical | None:
    threshold = rules.technical
    if threshold is None:
        return None
    score = sum((criteria[rules.slots[c]].score for c in threshold.criteria), Decimal(0))
    return threshold.model_copy(update={"score": score, "passed": score >= threshold.required})


def _keys(rules: Rules, standing: Standing) -> tuple[Decimal, ...]:
    """Total, then each tie-break value, for ranking (higher wins)."""
    keys = [standing.total]
    for entry in rules.tie_break:
        keys.append(standing.technical.score if entry == "technical"  # type: ignore[union-attr]
                    else standing.criteria[rules.slots[entry]].score)  # fmt: skip
    return tuple(keys)  # type: ignore[arg-type]


def _final_status(standing: Standing, ranked: bool, bidder: str, decision: Decision) -> tuple[str, list[Reason]]:
    reasons = list(standing.reasons)
    if not ranked:
        return standing.status, reasons
    if bidder in decision.winners:
        return "selected", reasons
    if decision.kind == "failed_tender":
        reasons.append(_RANKED_REASONS["failed_tender"])
    elif bidder in decision.tied:
        reasons.append(_RANKED_REASONS["tie_unresolved"])
    else:
        reasons.append(_RANKED_REASONS["not_selected_rank"])
    return "eligible", reasons


# Reasons without facts are the same for every bid they apply to, and frozen: one of each.
_RANKED_REASONS = {code: Reason(code=code) for code in ("failed_tender", "tie_unresolved", "not_selected_rank")}


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
    # trusted: the loader set each of these (a role it chose, a file name, a digest it computed)
    return InputFile.trusted_all([{"role": s.role, "name": s.name, "sha256": s.sha256} for s in sources])


def _warnings(inputs: Inputs, results: list[BidResult], decision: Decision) -> list[ResultWarning]:
    rubric = inputs.rubric
    warnings = _spread_warnings(rubric, [r for r in results if r.criteria])  # a failed gate leaves no scores
    if decision.tied:
        warnings.append(ResultWarning(code="tie_unresolved", detail={"bidders": decision.tied}))
    uses_precision = any(c.source in NEEDS_PRECISION for c in rubric.leaves())
    for bid, _ in inputs.bids if uses_precision else ():
        uncertain = sorted({c.gpu for c in bid.clusters if inputs.catalog.gpus[c.gpu].uncertain})
        if uncertain:
            warnings.append(ResultWarning(code="uncertain_gpu_figure", bidder=bid.bidder.id, detail={"gpus": uncertain}))
    return warnings


def _spread_warnings(rubric: Rubric, scored: list[BidResult]) -> list[ResultWarning]:
    """A warning for each panel whose scores spread wider than the rubric allows, in bid order
    and each bid's in rubric order."""
    # position in a bid's criteria → the widest spread allowed, for each judged criterion
    limits = {i: (Decimal(100) if (node.scale or "percent") == "percent" else node.points) * rubric.panel.spread_warning
              for i, node in enumerate(rubric.nodes()) if node.method == "judged"}  # fmt: skip
    if not scored:
        return []
    # A criterion's scores of every bid side by side: the wide panels are found a criterion at
    # a time by the built-ins, as numbers bid × width + position that sort in bid order, then
    # each bid's in rubric order. (At 10,000 bids of a divided panel there are 90,000.)
    by_criterion = list(zip(*[r.criteria for r in scored]))
    width = len(by_criterion)
    starts = range(0, len(scored) * width, width)
    wide = sorted(chain.from_iterable(
        map(add, compress(starts, map(gt, map(_SPREAD, by_criterion[i]), repeat(limit))), repeat(i))
        for i, limit in limits.items()))  # fmt: skip
    rows = []
    for bid, i in map(divmod, wide, repeat(width)):
        score = by_criterion[i][bid]
        high, low = extremes(score.panel.scores)
        rows.append({"code": "panel_spread", "bidder": scored[bid].bidder_id, "criterion": score.id,
                     "detail": {"spread": score.panel.spread, "limit": limits[i], "highest": high, "lowest": low}})  # fmt: skip
    return ResultWarning.trusted_all(rows)  # every value computed and typed here


_SPREAD = attrgetter("panel.spread")

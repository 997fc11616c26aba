"""A bid's standing before ranking, and the keys it is ranked by (DESIGN §2.1).

Statuses: `excluded` — it failed a gate or a category minimum (`min_ratio`); `below_threshold`
— its technical score is below `thresholds.technical` or its price above `thresholds.budget`;
`eligible` — it is ranked. Ranking orders by total, then each `ranking.tie_break` key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bideval.engine.result import Adjustment, CriterionScore, GateCheck, Reason, StageResult, Technical
from bideval.engine.rounding import EXACT, exact_sum
from bideval.engine.stages import combined_score
from bideval.load.checks import tie_break_meaning
from bideval.model.rubric import Rubric


@dataclass(frozen=True)
class Standing:
    status: str  # excluded | below_threshold | eligible
    reasons: list[Reason]
    criteria: dict[str, CriterionScore]  # node id → score; empty when a gate failed
    categories: dict[str, Decimal]  # top-level criterion id → score (of the stages reached)
    technical: Technical | None
    within_budget: bool | None
    total: Decimal | None  # base_total + Σ adjustment points
    base_total: Decimal | None = None  # the categories', or the stages' combined score
    adjustments: list[Adjustment] = field(default_factory=list)


def standing_of(
    rubric: Rubric, price: int, gates: list[GateCheck], criteria: list[CriterionScore],
    stages: list[StageResult] = (), adjustments: list[Adjustment] = (),  # type: ignore[assignment]
) -> Standing:  # fmt: skip
    """The status of one bid before ranking, with every reason for it."""
    reasons = [Reason(code="gate_failed", subject=g.id, actual=g.actual, required=_gate_text(g))
               for g in gates if not g.passed]  # fmt: skip
    if reasons:
        return Standing("excluded", reasons, {}, {}, None, None, None)
    scores = {score.id: score for score in criteria}
    categories = {top.id: scores[top.id].score for top in rubric.criteria if top.id in scores}
    reasons = [Reason(code="below_minimum", subject=node.id, actual=scores[node.id].score, required=minimum(node))
               for node in rubric.nodes() if node.id in scores and scores[node.id].meets_minimum is False]  # fmt: skip
    failed = next((stage for stage in stages if stage.passed is False), None)
    if failed is not None:  # not scored in the later stages: no total, no technical score
        reasons.append(Reason(code="stage_failed", subject=failed.id, actual=failed.score, required=failed.required))
        return Standing("excluded" if len(reasons) > 1 else "below_threshold", reasons, scores, categories,
                        None, None, None)  # fmt: skip
    base_total = combined_score(rubric, list(stages)) if stages else exact_sum(categories.values())
    adjusted = exact_sum(a.points for a in adjustments)
    total = EXACT.add(base_total, adjusted) if adjustments else base_total
    technical = _technical(rubric, scores, adjusted)
    budget = rubric.thresholds.budget
    within_budget = None if budget is None else price <= budget
    status = "excluded" if reasons else "eligible"
    if status == "eligible" and technical is not None and not technical.passed:
        status = "below_threshold"
        reasons.append(Reason(code="below_technical", actual=technical.score, required=technical.required))
    if status == "eligible" and within_budget is False:
        status = "below_threshold"
        reasons.append(Reason(code="over_budget", actual=price, required=budget))
    return Standing(status, reasons, scores, categories, technical, within_budget, total, base_total, list(adjustments))


def minimum(node) -> Decimal:
    """A category minimum: points × min_ratio."""
    return EXACT.multiply(node.points, node.min_ratio)


def _gate_text(gate: GateCheck) -> str:
    if gate.op == "true":
        return "true"
    value = gate.value if not isinstance(gate.value, list) else ", ".join(str(v) for v in gate.value)
    return f"{gate.op} {value}"


def _technical(rubric: Rubric, scores: dict[str, CriterionScore], adjusted: Decimal) -> Technical | None:
    """The technical threshold (brief §2, 협상적격자): the named criteria's score must reach
    min_ratio of their points — with the bonus and penalty points when `after_adjustments`."""
    rule = rubric.thresholds.technical
    if rule is None:
        return None
    maximum = exact_sum(rubric.node(c).points for c in rule.criteria)
    required = EXACT.multiply(maximum, rule.min_ratio)
    score = exact_sum(scores[c].score for c in rule.criteria)
    if rule.after_adjustments and adjusted:
        score = EXACT.add(score, adjusted)
    return Technical(criteria=rule.criteria, score=score, maximum=maximum, required=required, passed=score >= required)


def ranking_keys(rubric: Rubric, standing: Standing) -> tuple[Decimal, ...]:
    """Total, then each tie-break value (brief §2: higher technical score, then the item with the
    largest points, or a criterion the rubric names); higher wins on each. An entry that is a
    criterion id means that criterion, even `technical` or `largest_item` (issue 18 §8)."""
    keys = [standing.total]
    for entry in rubric.ranking.tie_break:
        kind, criterion = tie_break_meaning(rubric, entry)  # a criterion id first, a keyword second
        if kind == "technical":
            keys.append(standing.technical.score)  # type: ignore[union-attr]  # checked when loading
        else:  # "criterion" or "largest_item"; "unknown" is refused when loading
            keys.append(standing.criteria[criterion].score)  # type: ignore[index]
    return tuple(keys)  # type: ignore[arg-type]

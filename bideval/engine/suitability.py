"""The suitability check of a sole applicant (issue 18 §1; brief §1: a re-announced SPC call with a
single applicant may go to a negotiated contract, 수의계약, once that applicant is judged suitable
under the published criteria).

Nothing here is relative to other bids: the applicant must pass every gate and stage, meet the
rubric's own minimums and thresholds, and reach the rubric's `suitability` rules — a total of at
least `min_total` points and every category at least `min_category_ratio` of its points.
"""

from __future__ import annotations

from bideval.engine.result import Suitability, SuitabilityCheck
from bideval.engine.rounding import EXACT
from bideval.engine.standing import Standing
from bideval.model.rubric import Rubric


def check_suitability(rubric: Rubric, bidder: str, standing: Standing, lot: str | None) -> Suitability:
    rule = rubric.suitability
    assert rule is not None
    gates_passed = not any(r.code == "gate_failed" for r in standing.reasons)
    checks = [SuitabilityCheck(id="gates", actual=gates_passed, required=True, passed=gates_passed)]
    if gates_passed:
        stage_failed = next((r for r in standing.reasons if r.code == "stage_failed"), None)
        if rubric.stages:
            checks.append(SuitabilityCheck(id="stages", actual=stage_failed is None, required=True,
                                           passed=stage_failed is None))  # fmt: skip
        # The rubric's own minimums and thresholds; a failed stage is the check above, not counted twice.
        met = not any(r.code in ("below_minimum", "below_technical", "over_budget") for r in standing.reasons)
        checks.append(SuitabilityCheck(id="thresholds", actual=met, required=True, passed=met))
    if standing.total is not None and rule.min_total is not None:
        total = standing.total if rule.after_adjustments else standing.base_total
        checks.append(SuitabilityCheck(id="min_total", actual=total, required=rule.min_total,
                                       passed=total >= rule.min_total))  # type: ignore[operator]  # fmt: skip
    if standing.total is not None and rule.min_category_ratio is not None:
        for top in rubric.criteria:
            score, required = standing.categories[top.id], EXACT.multiply(top.points, rule.min_category_ratio)
            checks.append(SuitabilityCheck(id=f"category:{top.id}", actual=score, required=required,
                                           passed=score >= required))  # fmt: skip
    return Suitability(bidder=bidder, lot=lot, suitable=all(c.passed for c in checks), checks=checks)

"""Evaluation stages (issue 18 §2; brief §1: the SPC's stage 1 technical and policy, stage 2 financial).

A stage's score is the sum of its categories (top-level criteria). Its pass rule is a share of its
points, a score, or the top N — where bids tied at the cut all pass, since the tool never breaks a
tie by name. A bid that fails a stage is not scored in the later ones.
"""

from __future__ import annotations

from decimal import Decimal

from bideval.engine.result import StageResult
from bideval.engine.rounding import EXACT, exact_sum, round_to
from bideval.model.procedure import Stage
from bideval.model.rubric import Rubric


def stage_maximum(rubric: Rubric, stage: Stage) -> Decimal:
    return exact_sum(rubric.node(cid).points for cid in stage.criteria)


def stage_scores(stage: Stage, categories: dict[str, dict[str, Decimal]]) -> dict[str, Decimal]:
    """Each bid's stage score: the exact sum of the stage's categories (bidder id → category id → score)."""
    return {bidder: exact_sum(scores[cid] for cid in stage.criteria) for bidder, scores in categories.items()}


def judge_stage(rubric: Rubric, stage: Stage, scores: dict[str, Decimal]) -> dict[str, StageResult]:
    """Whether each bid (bidder id → stage score) passes the stage's rule."""
    maximum, required = stage_maximum(rubric, stage), required_score(rubric, stage)
    rule = stage.passing
    if rule is not None and rule.top is not None:
        passing = top_scores(scores, rule.top)
    else:
        passing = {bidder for bidder, score in scores.items() if required is None or score >= required}
    return {bidder: StageResult(id=stage.id, score=score, maximum=maximum, required=required, passed=bidder in passing)
            for bidder, score in scores.items()}  # fmt: skip


def required_score(rubric: Rubric, stage: Stage) -> Decimal | None:
    """The score the stage's rule asks: its points × min_ratio, or min_score; None for top N or no rule."""
    rule = stage.passing
    if rule is not None and rule.min_ratio is not None:
        return EXACT.multiply(stage_maximum(rubric, stage), rule.min_ratio)
    if rule is not None and rule.min_score is not None:
        return rule.min_score
    return None


def top_scores(scores: dict[str, Decimal], top: int) -> set[str]:
    """The bids among the `top` best scores; every bid tied with the last one taken passes too."""
    ordered = sorted(scores.values(), reverse=True)
    if len(ordered) <= top:
        return set(scores)
    cut = ordered[top - 1]
    return {bidder for bidder, score in scores.items() if score >= cut}


def not_reached(rubric: Rubric, stage: Stage) -> StageResult:
    return StageResult(id=stage.id, score=None, maximum=stage_maximum(rubric, stage),
                       required=required_score(rubric, stage), passed=None)  # fmt: skip


def combined_score(rubric: Rubric, stages: list[StageResult]) -> Decimal:
    """The score from the stages (rubric `stage_scores`): `weighted_sum` — Σ weight × stage score,
    rounded to the rubric's places (exact when every weight is 1); `last_stage` — the last stage's."""
    if rubric.stage_scores == "last_stage":
        return stages[-1].score  # type: ignore[return-value]
    weights = {stage.id: stage.weight for stage in rubric.stages}
    if all(weight == 1 for weight in weights.values()):
        return exact_sum(s.score for s in stages)  # type: ignore[misc]  # the plain total, as without stages
    weighted = exact_sum(EXACT.multiply(weights[s.id], s.score) for s in stages)  # type: ignore[arg-type]
    return round_to(weighted, rubric.rounding.places, rubric.rounding.mode)

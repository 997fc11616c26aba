"""The one evaluation pipeline: `evaluate(inputs) -> Result` (DESIGN §1).

Each lot (or the call, without lots) is evaluated by `engine.lot.evaluate_lot`: metrics → gates →
criterion scores stage by stage → bonus and penalty points → category minimums → thresholds →
ranking → award or suitability. Then the call's rounds and outcome. Pure: it reads the loaded
inputs and returns a new immutable Result.
"""

from __future__ import annotations

from decimal import Decimal

from bideval import __version__
from bideval.engine.lot import evaluate_lot
from bideval.engine.methods import REGISTRY
from bideval.engine.panel import extremes
from bideval.engine.rank import overall_kind
from bideval.engine.result import (
    AdjustmentInfo,
    BidResult,
    CallRoundResult,
    CriterionInfo,
    Evaluator,
    InputFile,
    LotInfo,
    LotOutcome,
    Outcome,
    Result,
    ResultWarning,
    RubricInfo,
    ScoreRevision,
    StageInfo,
)  # fmt: skip
from bideval.engine.rounding import EXACT
from bideval.engine.stages import stage_maximum
from bideval.load.inputs import Inputs
from bideval.model.fields import NEEDS_PRECISION
from bideval.model.procedure import CallRound
from bideval.model.rubric import Criterion, Rubric
from bideval.model.scores import Scores


def evaluate(inputs: Inputs) -> Result:
    rubric = inputs.rubric
    panel = [scores for scores, _ in inputs.panel]
    evaluations = {}
    for lot, lot_rubric in rubric.lot_rubrics():
        lot_bids = [(bid, source) for bid, source in inputs.bids if lot is None or bid.lot == lot.id]
        evaluations[lot.id if lot else None] = evaluate_lot(lot_rubric, lot, lot_bids, inputs)
    results = [bid for evaluation in evaluations.values() for bid in evaluation.bids]
    decisions = {lot: e.decision for lot, e in evaluations.items()}
    kind = overall_kind([d.kind for d in decisions.values()])
    valid_bids = sum(e.valid_bids for e in evaluations.values())
    outcome = Outcome(
        kind=kind, winners=[w for d in decisions.values() for w in d.winners],
        valid_bids=valid_bids, tied=[t for d in decisions.values() for t in d.tied],
        rounds=call_rounds(rubric, len(inputs.bids), kind),
        lots={lot: LotOutcome(kind=e.decision.kind, winners=e.decision.winners, valid_bids=e.valid_bids,
                              tied=e.decision.tied) for lot, e in evaluations.items() if lot is not None},
        suitability=[e.suitability for e in evaluations.values() if e.suitability is not None],
    )  # fmt: skip
    return Result(
        tool_version=__version__,
        rubric=_rubric_info(rubric),
        inputs=_input_files(inputs),
        evaluators=[Evaluator(id=s.evaluator.id, name=s.evaluator.name, conflicts=sorted(s.evaluator.conflicts))
                    for s in panel],  # fmt: skip
        bids=results,
        outcome=outcome,
        warnings=_warnings(inputs, results, outcome),
        revisions=revisions(panel),
    )


def revisions(panel: list[Scores]) -> list[ScoreRevision]:
    """Every earlier value the score files record, with the score that replaced it, in a fixed order."""
    found = [ScoreRevision(evaluator=sheet.evaluator.id, bidder=bidder, criterion=cid, previous=r.previous,
                           score=sheet.scores[bidder][cid], date=r.date, reason=r.reason)
             for sheet in panel for bidder, items in sheet.revisions.items() for cid, history in items.items()
             for r in history]  # fmt: skip
    return sorted(found, key=lambda r: (r.bidder, r.criterion, r.evaluator, r.date))


def call_rounds(rubric: Rubric, applicants: int, kind: str) -> list[CallRoundResult]:
    """Every round of the call in order (issue 18 §1): the earlier ones as the rubric records them —
    failed (유찰) when fewer applied than `award.min_valid_bids` — and the evaluated one last."""
    *earlier, current = rubric.rounds or [CallRound(round=1)]
    rounds = [CallRoundResult(round=r.round, announced=r.announced, applicants=r.applicants or 0,
                              outcome=r.outcome or "failed_tender", evaluated=False, note=r.note)
              for r in earlier]  # fmt: skip
    return [*rounds, CallRoundResult(round=current.round, announced=current.announced, applicants=applicants,
                                     outcome=kind, evaluated=True, note=current.note)]  # fmt: skip


def _rubric_info(rubric: Rubric) -> RubricInfo:
    adjustments = rubric.adjustments
    return RubricInfo(
        id=rubric.id, title=rubric.title, issuer=rubric.issuer, currency=rubric.currency,
        evaluation_date=rubric.evaluation_date, precision=rubric.compute.precision if rubric.compute else None,
        total_points=rubric.total_points, rounding=rubric.rounding.model_dump(), panel=rubric.panel.model_dump(),
        thresholds=rubric.thresholds.model_dump(), tie_break=rubric.ranking.tie_break,
        award=rubric.award.model_dump(), criteria=_criteria_info(rubric.criteria),
        stages=[StageInfo(id=s.id, label=s.label, criteria=s.criteria, maximum=stage_maximum(rubric, s),
                          passing=s.passing.model_dump(exclude_none=True) if s.passing else None, weight=s.weight)
                for s in rubric.stages],
        stage_scores=rubric.stage_scores,
        adjustments=[AdjustmentInfo(id=i.id, label=i.label, kind=i.kind, rule=i.rule, source=i.source, points=i.points,
                                    above=i.above, max=i.max) for i in (adjustments.items if adjustments else ())],
        max_bonus=adjustments.max_bonus if adjustments else None,
        max_penalty=adjustments.max_penalty if adjustments else None,
        suitability=rubric.suitability.model_dump() if rubric.suitability else None,
        lots=[LotInfo(id=lot.id, label=lot.label, floors=[f.model_dump() for f in lot.floors],
                      award=(lot.award or rubric.award).model_dump(),
                      criteria=_criteria_info(lot.criteria) if lot.criteria else None) for lot in rubric.lots],
        confidential=rubric.confidential,
    )  # fmt: skip


def _criteria_info(tops: list[Criterion]) -> list[CriterionInfo]:
    criteria = []

    def visit(node: Criterion, parent: str | None, depth: int) -> None:
        method = REGISTRY.get(node.method or "")
        criteria.append(CriterionInfo(
            id=node.id, parent=parent, depth=depth, label=node.label, points=node.points, method=node.method,
            source=node.source, formula=method.formula(node) if method else None, min_ratio=node.min_ratio,
        ))  # fmt: skip
        for child in node.children or ():
            visit(child, node.id, depth + 1)

    for top in tops:
        visit(top, None, 0)
    return criteria


def _input_files(inputs: Inputs) -> list[InputFile]:
    sources = [inputs.rubric_source, *inputs.catalog_sources]
    sources += [s for _, s in inputs.bids] + inputs.committee_sources
    return [InputFile(role=s.role, name=s.name, sha256=s.sha256) for s in sources]


def _warnings(inputs: Inputs, results: list[BidResult], outcome: Outcome) -> list[ResultWarning]:
    rubric = inputs.rubric
    warnings = _spread_warnings(rubric, results)
    if outcome.tied:
        warnings.append(ResultWarning(code="tie_unresolved", detail={"bidders": outcome.tied}))
    uses_precision = any(c.source in NEEDS_PRECISION for c in rubric.leaves())
    for bid, _ in inputs.bids if uses_precision else ():
        uncertain = sorted({c.gpu for c in bid.clusters if inputs.catalog.gpus[c.gpu].uncertain})
        if uncertain:
            warnings.append(ResultWarning(code="uncertain_gpu_figure", bidder=bid.bidder.id, detail={"gpus": uncertain}))
    return warnings


def _spread_warnings(rubric: Rubric, results: list[BidResult]) -> list[ResultWarning]:
    """A warning for each panel whose scores spread wider than `panel.spread_warning` of the
    item's maximum (100 % or its points), in result order, each bid's in rubric order."""
    judged = {node.id: node for _, lot_rubric in rubric.lot_rubrics() for node in lot_rubric.judged()}
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

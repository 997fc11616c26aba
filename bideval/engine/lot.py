"""One lot's evaluation: the bids of one lot (or of a call without lots), from gates to the award.

metrics → gates and the lot's floors → each stage's criterion scores among the bids still in →
stage pass rules → bonus and penalty points → category minimums, thresholds → ranking → award,
or the suitability check of a sole applicant in a re-announced round.
"""

from __future__ import annotations

from dataclasses import dataclass

from bideval.engine.adjustments import adjust
from bideval.engine.criteria import score_bids
from bideval.engine.gates import check_floors, check_gates
from bideval.engine.metrics import cluster_working, compute_metrics
from bideval.engine.rank import Candidate, Decision, Placed, decide, rank
from bideval.engine.result import BidResult, CriterionScore, Reason, StageResult, Suitability
from bideval.engine.stages import judge_stage, not_reached, stage_scores
from bideval.engine.standing import Standing, ranking_keys, standing_of
from bideval.engine.suitability import check_suitability
from bideval.errors import InputError, Problem
from bideval.load.inputs import Inputs, Source
from bideval.model.bid import Bid
from bideval.model.fields import field_value
from bideval.model.rubric import Lot, Rubric


@dataclass(frozen=True)
class LotEvaluation:
    bids: list[BidResult]  # ranked bids first, in rank order, then the rest by bidder id
    decision: Decision
    valid_bids: int
    suitability: Suitability | None


def evaluate_lot(rubric: Rubric, lot: Lot | None, bids: list[tuple[Bid, Source]], inputs: Inputs) -> LotEvaluation:
    """The bids of one lot, evaluated with `rubric` as that lot reads it (`Rubric.for_lot`)."""
    catalog = inputs.catalog
    metrics = {b.bidder.id: compute_metrics(b, rubric, catalog) for b, _ in bids}
    gates = {b.bidder.id: check_gates(rubric.eligibility, b, metrics[b.bidder.id]) + check_floors(lot, b)
             for b, _ in bids}  # fmt: skip
    passed = [b for b, _ in bids if all(g.passed for g in gates[b.bidder.id])]
    scores, stages = _score_in_stages(rubric, passed, metrics, inputs, {b.bidder.id: s for b, s in bids})
    standings = {}
    for bid, _ in bids:
        bidder = bid.bidder.id
        values = {item.id: field_value(bid, metrics[bidder], item.source)
                  for item in (rubric.adjustments.items if rubric.adjustments else ())}  # fmt: skip
        reached_end = all(stage.passed for stage in stages.get(bidder, []))
        adjustments = adjust(rubric.adjustments, values) if bidder in scores and reached_end else []
        standings[bidder] = standing_of(rubric, bid.price, gates[bidder], scores.get(bidder, []),
                                        stages.get(bidder, []), adjustments)  # fmt: skip
    eligible = [b for b, _ in bids if standings[b.bidder.id].status == "eligible"]
    placed = rank([Candidate(b.bidder.id, b.price, ranking_keys(rubric, standings[b.bidder.id])) for b in eligible])
    suitability = None
    if rubric.suitability is not None and len(rubric.rounds) > 1 and len(bids) == 1:
        suitability = check_suitability(rubric, bids[0][0].bidder.id, standings[bids[0][0].bidder.id],
                                        lot.id if lot else None)  # fmt: skip
        decision = Decision("negotiation", [suitability.bidder], []) if suitability.suitable else \
            Decision("failed_tender", [], [])  # fmt: skip
    else:
        decision = decide(placed, rubric.award)
    places = {p.bidder: p for p in placed}
    results = []
    for bid, source in bids:
        bidder = bid.bidder.id
        standing, place = standings[bidder], places.get(bidder)
        status, reasons = _final_status(standing, place, decision, suitability)
        results.append(BidResult(
            bidder_id=bidder, name=bid.bidder.name, file=source.name, price=bid.price, gates=gates[bidder],
            clusters=cluster_working(bid, rubric, catalog), metrics=metrics[bidder],
            criteria=scores.get(bidder, []), categories=standing.categories, technical=standing.technical,
            within_budget=standing.within_budget, total=standing.total, status=status,
            rank=place.rank if place else None, rank_decided_by=_decided_by(rubric, place), reasons=reasons,
            lot=lot.id if lot else None, stages=stages.get(bidder, []), base_total=standing.base_total,
            adjustments=standing.adjustments,
        ))  # fmt: skip
    order = {p.bidder: i for i, p in enumerate(placed)}
    results.sort(key=lambda r: (order.get(r.bidder_id, len(order)), r.bidder_id))
    return LotEvaluation(results, decision, len(eligible), suitability)


def _score_in_stages(
    rubric: Rubric, passed: list[Bid], metrics: dict, inputs: Inputs, sources: dict[str, Source]
) -> tuple[dict[str, list[CriterionScore]], dict[str, list[StageResult]]]:
    """Criterion scores of the bids that passed the gates, stage by stage: a stage's relative methods
    compare only the bids still in, and a bid that fails a stage is not scored in the later ones.
    Without stages, every criterion at once."""
    panel = [scores for scores, _ in inputs.panel]
    agreed = inputs.moderated[0] if inputs.moderated else None  # the loader allows it only under moderation
    stage_list = rubric.stages or [None]
    scored: dict[str, dict[str, CriterionScore]] = {b.bidder.id: {} for b in passed}
    results: dict[str, list[StageResult]] = {b.bidder.id: [] for b in passed}
    still_in = list(passed)
    for stage in stage_list:
        tops = [rubric.node(cid) for cid in stage.criteria] if stage else rubric.criteria
        _require_scores(rubric, tops, still_in, inputs, stage is not None and stage is not rubric.stages[0])
        scores, unscorable = score_bids(rubric, still_in, metrics, panel, tops, agreed)
        if unscorable:
            raise InputError([sources[u.bidder].doc.problem(u.path, u.message) for u in unscorable])
        for bidder, criteria in scores.items():
            scored[bidder].update((c.id, c) for c in criteria)
        if stage is None:
            break
        judged = judge_stage(rubric, stage, stage_scores(stage, {b: {t.id: scored[b][t.id].score for t in tops}
                                                                 for b in scores}))  # fmt: skip
        for bid in passed:
            results[bid.bidder.id].append(judged.get(bid.bidder.id) or not_reached(rubric, stage))
        still_in = [b for b in still_in if judged[b.bidder.id].passed]
    order = [node.id for node in rubric.nodes()]
    criteria = {bidder: [by_id[cid] for cid in order if cid in by_id] for bidder, by_id in scored.items()}
    return criteria, results


def _require_scores(rubric: Rubric, tops: list, bids: list[Bid], inputs: Inputs, later_stage: bool) -> None:
    """Scores of a later stage's judged criteria are required only of the bids that reached it (the
    loader cannot know which): a missing one is a located problem in the evaluator's file."""
    if not later_stage:
        return
    judged = [leaf.id for top in tops for leaf in top.walk() if leaf.is_leaf and leaf.method == "judged"]
    problems: list[Problem] = []
    for scores, source in inputs.panel:
        for bid in bids:
            bidder = bid.bidder.id
            if bidder in scores.evaluator.conflicts:
                continue
            missing = [cid for cid in judged if cid not in scores.scores.get(bidder, {})]
            if missing:
                listed = bidder in scores.scores
                problems.append(source.doc.problem(("scores", bidder) if listed else ("scores",), (
                    f"evaluator '{scores.evaluator.id}' gave no score for bidder '{bidder}', which reached this "
                    f"stage, on: {', '.join(missing)}"), key=listed))  # fmt: skip
    if inputs.moderated:
        agreed, source = inputs.moderated
        for bid in bids:
            missing = [cid for cid in judged if cid not in agreed.scores.get(bid.bidder.id, {})]
            if missing:
                listed = bid.bidder.id in agreed.scores
                problems.append(source.doc.problem(("scores", bid.bidder.id) if listed else ("scores",), (
                    f"no agreed score for bidder '{bid.bidder.id}', which reached this stage, on: "
                    f"{', '.join(missing)}"), key=listed))  # fmt: skip
    if problems:
        raise InputError(problems)


def _final_status(
    standing: Standing, place: Placed | None, decision: Decision, suitability: Suitability | None
) -> tuple[str, list[Reason]]:
    """A ranked bid is selected or stays eligible, with the reason it was not selected."""
    if suitability is not None and not suitability.suitable:
        failed = [c.id for c in suitability.checks if not c.passed]
        reasons = [*standing.reasons, Reason(code="not_suitable", subject=", ".join(failed))]
        return ("eligible" if place else standing.status), reasons
    if place is None:
        return standing.status, list(standing.reasons)
    if place.bidder in decision.winners:
        return "selected", list(standing.reasons)
    if decision.kind == "failed_tender":
        code = "failed_tender"
    elif place.bidder in decision.tied:
        code = "tie_unresolved"
    else:  # ranked below the winners: the award budget ran out, or the number of winners was reached
        code = "not_selected_budget" if decision.cut_by == "budget" else "not_selected_rank"
    return "eligible", [*standing.reasons, Reason(code=code)]


def _decided_by(rubric: Rubric, place: Placed | None) -> str | None:
    """Which key told a ranked bid from its neighbours: "total" or a tie-break entry (None when
    unranked, or tied on every key)."""
    if place is None or place.tied:
        return None
    keys = ["total", *rubric.ranking.tie_break]
    return keys[min(place.resolved_by, len(keys) - 1)]

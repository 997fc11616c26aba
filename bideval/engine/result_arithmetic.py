"""The numbers of a results.json read back, worked out again from its criterion scores.

`report` and `scorecard` render a results.json as they find it. A file edited by hand so that a
bid's total is no longer what its criterion scores give would print a decision nobody made
(issue 18 §8). These checks redo, from the recorded scores and the rubric's rounding, what the
pipeline worked out: each panel's trimmed mean and the judged score from it, each parent as the
sum of its children, categories, totals and technical scores, then the ranks and the outcome.
Each yields (path, message); `result_checks.check_result` locates them. They run only on a file
whose structure passed the other checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from bideval.engine.adjustments import adjust
from bideval.engine.panel import aggregate
from bideval.engine.rank import Candidate, Decision, decide, overall_kind, rank
from bideval.engine.result import BidResult, CriterionInfo, Result
from bideval.engine.rounding import EXACT, exact_sum, round_quotient, round_to
from bideval.model.procedure import AdjustmentItem, Adjustments
from bideval.model.rubric import Award, Panel

Found = Iterator[tuple[tuple, str]]


def sums(result: Result) -> Found:
    """Parents, categories, stages, totals and technical scores are exact sums of their parts
    (DESIGN §2.1), and total = base total + Σ adjustment points (issue 18 §3)."""
    for b, bid in enumerate(result.bids):
        children: dict[str, list[str]] = {}
        for info in result.rubric.criteria_of(bid.lot):
            if info.parent is not None:
                children.setdefault(info.parent, []).append(info.id)
        scores = {c.id: c.score for c in bid.criteria}
        if not scores:
            continue  # a gate failed: nothing was scored
        for i, score in enumerate(bid.criteria):
            if score.id in children:
                total = exact_sum(scores[child] for child in children[score.id])
                if score.score != total:
                    yield ("bids", b, "criteria", i, "score"), _not(score.score, "the sum of its children", total)
        for top, value in bid.categories.items():
            if top in scores and value != scores[top]:
                yield ("bids", b, "categories", top), _not(value, f"criterion '{top}''s score", scores[top])
        yield from _stage_sums(result, b, bid)
        if bid.total is None:
            continue  # it failed a stage: no total
        base = _base_total(result, bid)
        if bid.base_total is not None and bid.base_total != base:
            yield ("bids", b, "base_total"), _not(bid.base_total, _base_what(result, bid), base)
        adjusted = exact_sum(a.points for a in bid.adjustments)
        total = EXACT.add(base, adjusted) if bid.adjustments else base
        if bid.total != total:
            what = "the base total plus the adjustments" if bid.adjustments else _base_what(result, bid)
            yield ("bids", b, "total"), _not(bid.total, what, total)
        if bid.technical is not None:
            technical = exact_sum(scores.get(c, Decimal(0)) for c in bid.technical.criteria)
            rule = result.rubric.thresholds.get("technical") or {}
            if rule.get("after_adjustments") and adjusted:
                technical = EXACT.add(technical, adjusted)
            if bid.technical.score != technical:
                yield ("bids", b, "technical", "score"), _not(bid.technical.score, "the sum of its criteria", technical)


def adjustments(result: Result) -> Found:
    """Each bid's bonus and penalty points follow from the value its item reads, the item's rule
    and the caps (engine.adjustments), worked out again."""
    rubric = result.rubric
    if not rubric.adjustments:
        return
    items = {info.id: info for info in rubric.adjustments}
    rule = Adjustments(max_bonus=rubric.max_bonus, max_penalty=rubric.max_penalty, items=[
        AdjustmentItem(id=i.id, label=i.label, kind=i.kind, rule=i.rule, metric=i.source, points=i.points,
                       above=i.above, max=i.max) for i in rubric.adjustments])  # fmt: skip
    for b, bid in enumerate(result.bids):
        if not bid.adjustments:
            continue
        if [a.id for a in bid.adjustments] != list(items):
            yield ("bids", b, "adjustments"), f"the items are not the rubric's ({', '.join(items)}), in its order"
            continue
        again = adjust(rule, {a.id: a.value for a in bid.adjustments})
        for i, (recorded, derived) in enumerate(zip(bid.adjustments, again)):
            for key in ("earned", "points", "reason"):
                if getattr(recorded, key) != getattr(derived, key):
                    yield ("bids", b, "adjustments", i, key), _not(getattr(recorded, key), "what the item's rule and "
                                                                    "the caps give", getattr(derived, key))  # fmt: skip


def _stage_sums(result: Result, b: int, bid: BidResult) -> Found:
    infos = {info.id: info for info in result.rubric.stages}
    for i, stage in enumerate(bid.stages):
        info = infos.get(stage.id)
        if info is None or stage.score is None:
            continue
        total = exact_sum(bid.categories.get(cid, Decimal(0)) for cid in info.criteria)
        if stage.score != total:
            yield ("bids", b, "stages", i, "score"), _not(stage.score, "the sum of the stage's categories", total)
        rule = info.passing or {}
        required = EXACT.multiply(info.maximum, rule["min_ratio"]) if "min_ratio" in rule else rule.get("min_score")
        if stage.required != required:
            yield ("bids", b, "stages", i, "required"), _not(stage.required, "what the stage's pass rule asks", required)
        elif required is not None and stage.passed != (stage.score >= required):
            yield ("bids", b, "stages", i, "passed"), _not(stage.passed, "the score against the required", not stage.passed)


def _base_total(result: Result, bid: BidResult) -> Decimal:
    """The score before adjustments: the stages' combined score, or the sum of the categories."""
    if not bid.stages:
        return exact_sum(bid.categories.values())
    if result.rubric.stage_scores == "last_stage":
        return bid.stages[-1].score  # type: ignore[return-value]
    weights = {info.id: info.weight for info in result.rubric.stages}
    if all(w == 1 for w in weights.values()):
        return exact_sum(s.score for s in bid.stages)  # type: ignore[misc]
    rounding = result.rubric.rounding
    weighted = exact_sum(EXACT.multiply(weights.get(s.id, Decimal(1)), s.score) for s in bid.stages)  # type: ignore[arg-type]
    return round_to(weighted, rounding["places"], rounding["mode"])


def _base_what(result: Result, bid: BidResult) -> str:
    if not bid.stages:
        return "the sum of the categories"
    return "the last stage's score" if result.rubric.stage_scores == "last_stage" else "the stages' weighted sum"


def panels(result: Result) -> Found:
    """Each panel's mean is the trimmed mean of its kept scores, and a judged score follows from it."""
    rounding, rule = result.rubric.rounding, Panel.model_validate(result.rubric.panel)
    for b, bid in enumerate(result.bids):
        points = {c.id: c.points for c in result.rubric.criteria_of(bid.lot)}
        for i, score in enumerate(bid.criteria):
            panel = score.panel
            given = {e.evaluator: e.score for e in panel.scores if e.score is not None} if panel else {}
            if not given:
                continue
            path = ("bids", b, "criteria", i)
            if panel.method == "moderated":  # type: ignore[union-attr]
                again = panel  # the agreed score: no arithmetic of the panel's to check
            else:
                conflicted = [e.evaluator for e in panel.scores if e.score is None]  # type: ignore[union-attr]
                again = aggregate(given, conflicted, rule, rounding["places"], rounding["mode"])
            if panel.mean != again.mean:  # type: ignore[union-attr]
                yield (*path, "panel", "mean"), _not(panel.mean, "the trimmed mean of the scores", again.mean)  # type: ignore[union-attr]
            elif panel.scale == "percent":  # type: ignore[union-attr]
                earned = round_quotient(EXACT.multiply(points[score.id], panel.mean), 100, rounding["places"],
                                        rounding["mode"])  # type: ignore[union-attr]  # fmt: skip
                if score.score != earned:
                    yield (*path, "score"), _not(score.score, "points × panel mean ÷ 100", earned)
            elif score.score != panel.mean:  # type: ignore[union-attr]
                yield (*path, "score"), _not(score.score, "the panel mean", panel.mean)  # type: ignore[union-attr]


def ranking(result: Result) -> Found:
    """Ranks follow the totals and the tie-breaks within each lot; each lot's outcome follows its
    ranks and award rule (or the suitability check of a sole applicant); the call's outcome and its
    last round follow the lots'."""
    lots = {info.id: info for info in result.rubric.lots}
    suitability = {s.lot: s for s in result.outcome.suitability}
    kinds = []
    for lot in list(lots) or [None]:
        in_lot = [(i, bid) for i, bid in enumerate(result.bids) if bid.lot == lot]
        ranked = [(i, bid) for i, bid in in_lot if bid.status in ("selected", "eligible")]
        if any(bid.total is None for _, bid in ranked):
            return  # reported by the structural checks
        leaves = [c for c in result.rubric.criteria_of(lot) if c.method is not None]
        placed = rank([Candidate(bid.bidder_id, bid.price, _keys(result, bid, leaves)) for _, bid in ranked])
        given = {p.bidder: p.rank for p in placed}
        for i, bid in ranked:
            if bid.rank != given[bid.bidder_id]:
                yield ("bids", i, "rank"), _not(bid.rank, "what the totals and tie-breaks give", given[bid.bidder_id])
        sole = suitability.get(lot)
        if sole is not None:
            suitable = all(check.passed for check in sole.checks)
            decision = Decision("negotiation", [sole.bidder], []) if suitable else Decision("failed_tender", [], [])
        else:
            award = lots[lot].award if lot is not None else result.rubric.award
            decision = decide(placed, Award.model_validate(award))
        kinds.append(decision.kind)
        recorded = result.outcome if lot is None else result.outcome.lots.get(lot)
        where = ("outcome",) if lot is None else ("outcome", "lots", lot)
        if recorded is None:
            yield where, f"lot '{lot}' has no outcome"
            continue
        for key, value, derived in (("kind", recorded.kind, decision.kind), ("winners", recorded.winners, decision.winners),
                                    ("tied", recorded.tied, decision.tied), ("valid_bids", recorded.valid_bids, len(placed))):  # fmt: skip
            if value != derived:
                yield (*where, key), _not(value, "what the ranks and the award rule give", derived)
    if lots and result.outcome.kind != overall_kind(kinds):
        yield ("outcome", "kind"), _not(result.outcome.kind, "the best of the lots' outcomes", overall_kind(kinds))
    rounds = result.outcome.rounds
    if rounds and (rounds[-1].outcome != result.outcome.kind or rounds[-1].applicants != len(result.bids)):
        yield ("outcome", "rounds", len(rounds) - 1), _not(f"{rounds[-1].outcome}, {rounds[-1].applicants} applicant(s)",
                                                           "the evaluated round's outcome and bids",
                                                           f"{result.outcome.kind}, {len(result.bids)} applicant(s)")  # fmt: skip


def _keys(result: Result, bid: BidResult, leaves: list[CriterionInfo]) -> tuple[Decimal, ...]:
    """Total, then each tie-break value: a criterion id names that criterion; otherwise `technical`
    is the technical score and `largest_item` the leaf with the most points."""
    scores = {c.id: c.score for c in bid.criteria}
    keys = [bid.total]
    for entry in result.rubric.tie_break:
        if entry in scores:
            keys.append(scores[entry])
        elif entry == "technical" and bid.technical is not None:
            keys.append(bid.technical.score)
        elif entry == "largest_item" and leaves:
            keys.append(scores.get(max(leaves, key=lambda c: c.points).id, Decimal(0)))
        else:
            keys.append(Decimal(0))
    return tuple(keys)  # type: ignore[arg-type]


def _not(recorded: object, what: str, derived: object) -> str:
    return f"{_text(recorded)} is not {what} ({_text(derived)}): the file was changed after bideval wrote it"


def _text(value: object) -> str:
    return ", ".join(map(str, value)) or "none" if isinstance(value, list) else str(value)

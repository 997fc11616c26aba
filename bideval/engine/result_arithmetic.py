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

from bideval.engine.panel import aggregate
from bideval.engine.rank import Candidate, decide, rank
from bideval.engine.result import BidResult, CriterionInfo, Result
from bideval.engine.rounding import EXACT, exact_sum, round_quotient
from bideval.model.rubric import Award, Panel

Found = Iterator[tuple[tuple, str]]


def sums(result: Result) -> Found:
    """Parents, categories, totals and technical scores are exact sums of their parts (DESIGN §2.1)."""
    children: dict[str, list[str]] = {}
    for info in result.rubric.criteria:
        if info.parent is not None:
            children.setdefault(info.parent, []).append(info.id)
    for b, bid in enumerate(result.bids):
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
        total = exact_sum(bid.categories.values())
        if bid.total is not None and bid.total != total:
            yield ("bids", b, "total"), _not(bid.total, "the sum of the categories", total)
        if bid.technical is not None:
            technical = exact_sum(scores.get(c, Decimal(0)) for c in bid.technical.criteria)
            if bid.technical.score != technical:
                yield ("bids", b, "technical", "score"), _not(bid.technical.score, "the sum of its criteria", technical)


def panels(result: Result) -> Found:
    """Each panel's mean is the trimmed mean of its kept scores, and a judged score follows from it."""
    rounding, rule = result.rubric.rounding, Panel.model_validate(result.rubric.panel)
    points = {c.id: c.points for c in result.rubric.criteria}
    for b, bid in enumerate(result.bids):
        for i, score in enumerate(bid.criteria):
            panel = score.panel
            given = {e.evaluator: e.score for e in panel.scores if e.score is not None} if panel else {}
            if not given:
                continue
            conflicted = [e.evaluator for e in panel.scores if e.score is None]  # type: ignore[union-attr]
            again = aggregate(given, conflicted, rule, rounding["places"], rounding["mode"])
            path = ("bids", b, "criteria", i)
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
    """Ranks follow the totals and the tie-breaks; the outcome follows the ranks and the award rule."""
    ranked = [(i, bid) for i, bid in enumerate(result.bids) if bid.status in ("selected", "eligible")]
    if any(bid.total is None for _, bid in ranked):
        return  # reported by the structural checks
    leaves = [c for c in result.rubric.criteria if c.method is not None]
    placed = rank([Candidate(bid.bidder_id, bid.price, _keys(result, bid, leaves)) for _, bid in ranked])
    given = {p.bidder: p.rank for p in placed}
    for i, bid in ranked:
        if bid.rank != given[bid.bidder_id]:
            yield ("bids", i, "rank"), _not(bid.rank, "what the totals and tie-breaks give", given[bid.bidder_id])
    decision = decide(placed, Award.model_validate(result.rubric.award))
    outcome = result.outcome
    for key, recorded, derived in (("kind", outcome.kind, decision.kind), ("winners", outcome.winners, decision.winners),
                                   ("tied", outcome.tied, decision.tied), ("valid_bids", outcome.valid_bids, len(placed))):  # fmt: skip
        if recorded != derived:
            yield ("outcome", key), _not(recorded, "what the ranks and the award rule give", derived)


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

"""Rank reversal: can an irrelevant bid change the order of two others?

Relative methods (ratio_to_best, korean_price) score a bid against the best of the
others, so removing a bid — or adding a clone that is worse in every way — can reorder
the rest (the known paradox of relative price formulas). A stage that passes only the
top N is relative too. Each case re-runs the real pipeline on changed inputs (stage pass rules,
bonus and penalty points and the suitability check applied again); the input files are never
touched.

Per lot (`lot`; None for a call without lots): its bids are removed in turn, a clone of its
last-ranked bid is added, and the order compared is the lot's.

A removal is re-run only when it can change another bid's score: the removed bid alone holds the
lowest or highest value of a relative criterion among the bids scored on it (ratio_to_best's best,
korean_price's lowest come from there), or a stage passes the top N. Otherwise every other bid
keeps every score, so the order of the rest is the order as evaluated (issue 19: 50 re-runs of the
whole evaluation were most of `analyze`'s time). `every_case=True` re-runs them all (the tests
compare both).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bideval.engine.methods import REGISTRY
from bideval.engine.pipeline import evaluate
from bideval.engine.result import Result
from bideval.errors import InputError
from bideval.load.inputs import Inputs

CLONE_PRICE_FACTOR = 11, 10  # the clone asks 10 % more for the same offer


@dataclass(frozen=True)
class Reversal:
    change: str  # "without <bidder>" or "with a clone of <bidder>"
    before: tuple[str, ...]  # order of the bids that remain, as evaluated
    after: tuple[str, ...]  # their order in the changed evaluation
    problem: str | None = None  # why the changed inputs could not be evaluated (then `after` is empty)

    @property
    def reversed(self) -> bool:
        return self.problem is None and self.before != self.after


def uses_relative_methods(inputs: Inputs, lot: str | None = None) -> bool:
    """Whether a bid's score or passing depends on the other bids of `lot`: a relative method, or a
    stage that passes the top N."""
    rubric = inputs.rubric.for_lot(inputs.rubric.lot(lot)) if lot is not None else inputs.rubric
    top_n = any(stage.passing is not None and stage.passing.top is not None for stage in rubric.stages)
    return top_n or any(REGISTRY[c.method or ""].relative for c in rubric.leaves() if c.method)


def _order(inputs: Inputs, lot: str | None) -> tuple[str, ...]:
    return _ranked(evaluate(inputs), lot)


def _ranked(result: Result, lot: str | None) -> tuple[str, ...]:
    return tuple(b.bidder_id for b in result.bids if b.rank is not None and b.lot == lot)


def can_change_others(result: Result, inputs: Inputs, lot: str | None, bidder: str) -> bool:
    """Whether removing `bidder` can change another bid's score or passing (see the module docstring)."""
    rubric = inputs.rubric.for_lot(inputs.rubric.lot(lot)) if lot is not None else inputs.rubric
    if any(stage.passing is not None and stage.passing.top is not None for stage in rubric.stages):
        return True
    relative = {c.id for c in rubric.leaves() if c.method and REGISTRY[c.method].relative}
    values: dict[str, list] = {cid: [] for cid in relative}
    for bid in result.bids:
        for score in bid.criteria:
            if score.id in relative:
                values[score.id].append((bid.bidder_id, score.inputs["value"]))
    for scored in values.values():
        numbers = [value for _, value in scored]
        for extreme in (min(numbers, default=None), max(numbers, default=None)):
            holders = [who for who, value in scored if value == extreme]
            if holders == [bidder]:
                return True
    return False


def _lot_of(inputs: Inputs, bid) -> str | None:
    return bid.lot if inputs.rubric.lots else None


def reversals(inputs: Inputs, lot: str | None = None, every_case: bool = False) -> list[Reversal]:
    """Remove each bid of `lot` in turn; then add a dominated clone of its last-ranked bid."""
    evaluated = evaluate(inputs)
    base = _ranked(evaluated, lot)
    rows = []
    for bid, _ in inputs.bids:
        if _lot_of(inputs, bid) != lot:
            continue
        gone = bid.bidder.id
        kept = tuple(pair for pair in inputs.bids if pair[0].bidder.id != gone)
        if not any(_lot_of(inputs, other) == lot for other, _ in kept):
            continue
        before = tuple(b for b in base if b != gone)
        if not every_case and not can_change_others(evaluated, inputs, lot, gone):
            rows.append(Reversal(f"without {gone}", before, before))  # every other score stays as it is
            continue
        rows.append(_case(f"without {gone}", before, replace(inputs, bids=kept), lot))
    if base:
        clone_inputs, clone_id = _with_clone(inputs, base[-1])
        rows.append(_case(f"with a clone of {base[-1]} at +10 % price", base, clone_inputs, lot, clone_id))
    return rows


def _case(change: str, before: tuple[str, ...], inputs: Inputs, lot: str | None, clone: str = "") -> Reversal:
    """One changed evaluation. It can fail where the real one did not — a bid newly reaching a later
    stage that nobody scored — and then says why instead of ordering."""
    try:
        after = _order(inputs, lot)
    except InputError as exc:
        first = exc.problems[0].message if exc.problems else str(exc)
        return Reversal(change, before, (), first)
    return Reversal(change, before, tuple(b for b in after if b != clone))


def _with_clone(inputs: Inputs, bidder: str) -> tuple[Inputs, str]:
    """A copy of `bidder`'s bid and panel scores, with a higher price: dominated by the original."""
    bid, source = next(pair for pair in inputs.bids if pair[0].bidder.id == bidder)
    clone_id = f"{bidder}-clone"[:64]
    numerator, denominator = CLONE_PRICE_FACTOR
    clone = bid.model_copy(update={"bidder": bid.bidder.model_copy(update={"id": clone_id}),
                                   "price": bid.price * numerator // denominator})  # fmt: skip
    panel = []
    for scores, scores_source in inputs.panel:
        copied = dict(scores.scores)
        if bidder in copied:
            copied[clone_id] = copied[bidder]
        evaluator = scores.evaluator
        if bidder in evaluator.conflicts:
            evaluator = evaluator.model_copy(update={"conflicts": [*evaluator.conflicts, clone_id]})
        panel.append((scores.model_copy(update={"scores": copied, "evaluator": evaluator}), scores_source))
    moderated = inputs.moderated
    if moderated and bidder in moderated[0].scores:  # a moderated panel agreed the clone's scores too
        agreed = {**moderated[0].scores, clone_id: moderated[0].scores[bidder]}
        moderated = (moderated[0].model_copy(update={"scores": agreed}), moderated[1])
    return replace(inputs, bids=(*inputs.bids, (clone, source)), panel=tuple(panel), moderated=moderated), clone_id

"""Rank reversal: can an irrelevant bid change the order of two others?

Relative methods (ratio_to_best, korean_price) score a bid against the best of the
others, so removing a bid — or adding a clone that is worse in every way — can reorder
the rest (the known paradox of relative price formulas). Each case re-runs the real
pipeline on changed inputs; the input files are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bideval.engine.methods import REGISTRY
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import Inputs

CLONE_PRICE_FACTOR = 11, 10  # the clone asks 10 % more for the same offer


@dataclass(frozen=True)
class Reversal:
    change: str  # "without <bidder>" or "with a clone of <bidder>"
    before: tuple[str, ...]  # order of the bids that remain, as evaluated
    after: tuple[str, ...]  # their order in the changed evaluation

    @property
    def reversed(self) -> bool:
        return self.before != self.after


def uses_relative_methods(inputs: Inputs) -> bool:
    return any(REGISTRY[c.method or ""].relative for c in inputs.rubric.leaves() if c.method)


def _order(inputs: Inputs) -> tuple[str, ...]:
    return tuple(b.bidder_id for b in evaluate(inputs).bids if b.rank is not None)


def reversals(inputs: Inputs) -> list[Reversal]:
    """Remove each bid in turn; then add a dominated clone of the last-ranked bid."""
    base = _order(inputs)
    rows = []
    for bid, _ in inputs.bids:
        gone = bid.bidder.id
        kept = tuple(pair for pair in inputs.bids if pair[0].bidder.id != gone)
        if not kept:
            continue
        after = _order(replace(inputs, bids=kept))
        rows.append(Reversal(f"without {gone}", tuple(b for b in base if b != gone), after))
    if base:
        clone_inputs, clone_id = _with_clone(inputs, base[-1])
        after = tuple(b for b in _order(clone_inputs) if b != clone_id)
        rows.append(Reversal(f"with a clone of {base[-1]} at +10 % price", base, after))
    return rows


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
    return replace(inputs, bids=(*inputs.bids, (clone, source)), panel=tuple(panel)), clone_id

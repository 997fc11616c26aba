"""The linear weight model behind the sensitivity analyses: points × earned share, per leaf.

One model per lot (a call without lots is one lot, `None`): its bids compete only among themselves,
on its criteria (a lot's own, or the rubric's), under its award. The model holds the bids that
were ranked — they passed the gates, every stage, the minimums and the thresholds — and reproduces
the total they were ranked by: each leaf's points × share counted as the stages count it (a stage's
weight; under `last_stage`, only the last stage's leaves), plus the bid's bonus and penalty points,
which do not depend on the criteria's points and are added as evaluated. What it cannot re-derive
under other points is held as evaluated: who passed the gates, stages, minimums and thresholds, and
the outcome of a sole applicant's suitability check (`fixed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from bideval.engine.rank import Candidate, Decision, decide, rank
from bideval.engine.result import CriterionInfo, Result
from bideval.model.rubric import Award

_ONE = Fraction(1)


@dataclass(frozen=True)
class WeightModel:
    leaves: tuple[str, ...]  # leaf criterion ids, rubric order
    points: tuple[Fraction, ...]  # published points per leaf
    shares: dict[str, tuple[Fraction, ...]]  # bidder → earned share per leaf (score ÷ points)
    prices: dict[str, int]
    award: Award
    tie_break: tuple[frozenset[str], ...]  # leaves summed for each tie-break key, in order
    counts: tuple[Fraction, ...] = ()  # per leaf, how its score counts in the total (stage weight); () — fully
    offsets: dict[str, Fraction] = field(default_factory=dict)  # bidder → bonus and penalty points, as evaluated
    tie_offsets: tuple[bool, ...] = ()  # per tie-break key: whether it counts the bonus and penalty points
    fixed: Decision | None = None  # the decision held as evaluated (a sole applicant's suitability check)

    @classmethod
    def from_result(cls, result: Result, lot: str | None = None) -> WeightModel:
        """The model of `lot`'s ranked bids (`None`: a call without lots)."""
        rubric = result.rubric
        criteria = rubric.criteria_of(lot)
        infos = [c for c in criteria if c.method]
        ranked = [b for b in result.bids if b.rank is not None and b.lot == lot]
        shares = {}
        for bid in ranked:
            scores = {c.id: c.score for c in bid.criteria}
            shares[bid.bidder_id] = tuple(Fraction(scores[c.id]) / Fraction(c.points) for c in infos)
        largest = max(infos, key=lambda c: c.points).id if infos else ""
        technical = rubric.thresholds.get("technical") or {}
        ids = {c.id for c in criteria}
        groups, with_points = [], []
        for entry in rubric.tie_break:
            # as the ranking reads a tie-break entry: a criterion id first, then the keywords
            if entry in ids:
                named = [entry]
            elif entry == "technical":
                named = technical.get("criteria", [])
            else:
                named = [largest] if entry == "largest_item" else [entry]
            groups.append(frozenset().union(*(leaves_under(criteria, n) for n in named)))
            with_points.append(entry not in ids and entry == "technical" and bool(technical.get("after_adjustments")))
        offsets = {b.bidder_id: sum((Fraction(a.points) for a in b.adjustments), Fraction(0)) for b in ranked}
        return cls(
            tie_break=tuple(groups),
            leaves=tuple(c.id for c in infos),
            points=tuple(Fraction(c.points) for c in infos),
            shares=shares,
            prices={b.bidder_id: b.price for b in ranked},
            award=Award.model_validate(next((info.award for info in rubric.lots if info.id == lot), rubric.award)),
            counts=_counts(result, criteria, infos),
            offsets={bidder: points for bidder, points in offsets.items() if points},
            tie_offsets=tuple(with_points) if any(with_points) else (),
            fixed=_fixed(result, lot),
        )

    def count(self, index: int) -> Fraction:
        return self.counts[index] if self.counts else _ONE

    def totals(self, points: tuple[Fraction, ...]) -> dict[str, Fraction]:
        return {bidder: self._total(bidder, points, shares) for bidder, shares in self.shares.items()}

    def _total(self, bidder: str, points: tuple[Fraction, ...], shares: tuple[Fraction, ...]) -> Fraction:
        if self.counts:
            base = sum((p * s * c for p, s, c in zip(points, shares, self.counts)), Fraction(0))
        else:
            base = sum((p * s for p, s in zip(points, shares)), Fraction(0))
        return base + self.offsets[bidder] if bidder in self.offsets else base

    def keys(self, points: tuple[Fraction, ...]) -> dict[str, tuple[Fraction, ...]]:
        """Per bidder: the total, then each tie-break sum, under `points`."""
        keys = {}
        for bidder, shares in self.shares.items():
            parts = dict(zip(self.leaves, (p * s for p, s in zip(points, shares))))
            sums = [sum((parts[x] for x in group), Fraction(0)) for group in self.tie_break]
            for i, with_points in enumerate(self.tie_offsets):
                if with_points:
                    sums[i] += self.offsets.get(bidder, 0)
            keys[bidder] = (self._total(bidder, points, shares), *sums)
        return keys

    def linear_keys(self, subset: set[str], base: dict[str, tuple[Fraction, ...]] | None = None,
                    ) -> dict[str, tuple[tuple[Fraction, ...], tuple[Fraction, ...]]]:  # fmt: skip
        """Per bidder, the keys under `shifted(subset, δ)` as a line in δ: (keys at δ = 0, change per
        point moved). Every key is a sum of points × share, and each point moves linearly with δ
        (× (1 + δ/inside) in `subset`, × (1 − δ/outside) elsewhere), so `keys(shifted(subset, δ))` is
        exactly base + δ × slope: worked out once per node instead of once per point tried. `base`:
        `keys(points)` when the caller has them (they are the same for every node)."""
        inside = sum((p for leaf, p in zip(self.leaves, self.points) if leaf in subset), Fraction(0))
        outside = sum(self.points, Fraction(0)) - inside
        moved = tuple(leaf in subset for leaf in self.leaves)
        base = self.keys(self.points) if base is None else base

        def slope(earned: list[Fraction], leaves: list[int]) -> Fraction:
            """Σ over `leaves` of earned × its move: the part in `subset` grows by 1/inside a point, the rest
            shrinks by 1/outside (nothing moves outside when the subset is every leaf)."""
            into = sum((earned[i] for i in leaves if moved[i]), Fraction(0))
            rest = sum((earned[i] for i in leaves if not moved[i]), Fraction(0))
            return into / inside - (rest / outside if outside else 0)

        every = list(range(len(self.leaves)))
        groups = [[i for i in every if self.leaves[i] in group] for group in self.tie_break]
        lines = {}
        for bidder, shares in self.shares.items():
            earned = [p * s for p, s in zip(self.points, shares)]  # points × share, per leaf
            counted = [e * self.count(i) for i, e in enumerate(earned)] if self.counts else earned
            slopes = (slope(counted, every), *(slope(earned, group) for group in groups))
            lines[bidder] = (base[bidder], slopes)
        return lines

    @staticmethod
    def keys_at(lines: dict[str, tuple[tuple[Fraction, ...], tuple[Fraction, ...]]], delta: Fraction):
        """The keys `linear_keys` gives at δ."""
        return {bidder: tuple(k + delta * m for k, m in zip(base, slope)) for bidder, (base, slope) in lines.items()}

    def outcome(self, points: tuple[Fraction, ...]) -> tuple[list[str], Decision]:
        """Ranking (bidders in order, tie-breaks applied) and the award decision under other points."""
        return self.outcome_of(self.keys(points))

    def outcome_of(self, keys: dict[str, tuple[Fraction, ...]]) -> tuple[list[str], Decision]:
        """`outcome` from the keys `keys(points)` gave (a caller that needs them too works them out once)."""
        placed = rank([Candidate(b, self.prices[b], k) for b, k in keys.items()])  # type: ignore[arg-type]
        return [p.bidder for p in placed], self.decide(placed)

    def decide(self, placed) -> Decision:
        return self.fixed if self.fixed is not None else decide(placed, self.award)

    def shifted(self, subset: set[str], delta: Fraction) -> tuple[Fraction, ...]:
        """Move `delta` points into the leaves in `subset` (pro rata) and out of the others (pro rata)."""
        inside = sum((p for leaf, p in zip(self.leaves, self.points) if leaf in subset), Fraction(0))
        outside = sum(self.points, Fraction(0)) - inside
        return tuple(p * (1 + delta / inside) if leaf in subset else p * (1 - delta / outside)
                     for leaf, p in zip(self.leaves, self.points))  # fmt: skip


def _counts(result: Result, criteria: list[CriterionInfo], infos: list[CriterionInfo]) -> tuple[Fraction, ...]:
    """How each leaf's score counts in the total, as `engine.stages.combined_score` combines the
    stages: its stage's weight (`weighted_sum`), or 1 in the last stage and 0 before (`last_stage`).
    () when every leaf counts fully (no stages, or every weight 1)."""
    stages = result.rubric.stages
    if not stages:
        return ()
    parent = {c.id: c.parent for c in criteria}
    stage_of = {cid: stage for stage in stages for cid in stage.criteria}

    def stage(leaf: str):
        top = leaf
        while parent.get(top):
            top = parent[top]  # type: ignore[assignment]
        return stage_of.get(top)

    if result.rubric.stage_scores == "last_stage":
        last = stages[-1].id
        counts = tuple(_ONE if getattr(stage(c.id), "id", None) == last else Fraction(0) for c in infos)
    else:
        counts = tuple(Fraction(stage(c.id).weight) if stage(c.id) else _ONE for c in infos)  # type: ignore[union-attr]
    return () if all(c == 1 for c in counts) else counts


def _fixed(result: Result, lot: str | None) -> Decision | None:
    """The lot's decision as evaluated when a sole applicant's suitability check made it (no ranking does)."""
    if not any(s.lot == lot for s in result.outcome.suitability):
        return None
    outcome = result.outcome.lots[lot] if lot is not None else result.outcome
    return Decision(outcome.kind, list(outcome.winners), list(outcome.tied))


def leaves_under(criteria: list[CriterionInfo], node: str) -> set[str]:
    """The leaf ids under `node` (itself, if a leaf) in a lot's criteria."""
    children: dict[str, list[str]] = {}
    for c in criteria:
        if c.parent:
            children.setdefault(c.parent, []).append(c.id)
    stack, leaves = [node], set()
    while stack:
        current = stack.pop()
        if current in children:
            stack += children[current]
        else:
            leaves.add(current)
    return leaves

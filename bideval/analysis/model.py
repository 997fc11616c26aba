"""The linear weight model behind the sensitivity analyses: points × earned share, per leaf."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from bideval.engine.rank import Candidate, Decision, decide, rank
from bideval.engine.result import Result
from bideval.model.rubric import Award


@dataclass(frozen=True)
class WeightModel:
    leaves: tuple[str, ...]  # leaf criterion ids, rubric order
    points: tuple[Fraction, ...]  # published points per leaf
    shares: dict[str, tuple[Fraction, ...]]  # bidder → earned share per leaf (score ÷ points)
    prices: dict[str, int]
    award: Award
    tie_break: tuple[frozenset[str], ...]  # leaves summed for each tie-break key, in order

    @classmethod
    def from_result(cls, result: Result) -> WeightModel:
        infos = [c for c in result.rubric.criteria if c.method]
        ranked = [b for b in result.bids if b.rank is not None]
        shares = {}
        for bid in ranked:
            scores = {c.id: c.score for c in bid.criteria}
            shares[bid.bidder_id] = tuple(Fraction(scores[c.id]) / Fraction(c.points) for c in infos)
        largest = max(infos, key=lambda c: c.points).id if infos else ""
        technical = (result.rubric.thresholds.get("technical") or {}).get("criteria", [])
        ids = {c.id for c in result.rubric.criteria}
        groups = []
        for entry in result.rubric.tie_break:
            # as the ranking reads a tie-break entry: a criterion id first, then the keywords
            if entry in ids:
                named = [entry]
            else:
                named = technical if entry == "technical" else [largest] if entry == "largest_item" else [entry]
            groups.append(frozenset().union(*(leaves_under(result, n) for n in named)))
        return cls(
            tie_break=tuple(groups),
            leaves=tuple(c.id for c in infos),
            points=tuple(Fraction(c.points) for c in infos),
            shares=shares,
            prices={b.bidder_id: b.price for b in ranked},
            award=Award.model_validate(result.rubric.award),
        )

    def totals(self, points: tuple[Fraction, ...]) -> dict[str, Fraction]:
        return {bidder: sum((p * s for p, s in zip(points, shares)), Fraction(0))
                for bidder, shares in self.shares.items()}  # fmt: skip

    def keys(self, points: tuple[Fraction, ...]) -> dict[str, tuple[Fraction, ...]]:
        """Per bidder: the total, then each tie-break sum, under `points`."""
        keys = {}
        for bidder, shares in self.shares.items():
            parts = dict(zip(self.leaves, (p * s for p, s in zip(points, shares))))
            total = sum(parts.values(), Fraction(0))
            keys[bidder] = (total, *(sum((parts[x] for x in group), Fraction(0)) for group in self.tie_break))
        return keys

    def outcome(self, points: tuple[Fraction, ...]) -> tuple[list[str], Decision]:
        """Ranking (bidders in order, tie-breaks applied) and the award decision under other points."""
        return self.outcome_of(self.keys(points))

    def outcome_of(self, keys: dict[str, tuple[Fraction, ...]]) -> tuple[list[str], Decision]:
        """`outcome` from the keys `keys(points)` gave (a caller that needs them too works them out once)."""
        placed = rank([Candidate(b, self.prices[b], k) for b, k in keys.items()])  # type: ignore[arg-type]
        return [p.bidder for p in placed], decide(placed, self.award)

    def shifted(self, subset: set[str], delta: Fraction) -> tuple[Fraction, ...]:
        """Move `delta` points into the leaves in `subset` (pro rata) and out of the others (pro rata)."""
        inside = sum((p for leaf, p in zip(self.leaves, self.points) if leaf in subset), Fraction(0))
        outside = sum(self.points, Fraction(0)) - inside
        return tuple(p * (1 + delta / inside) if leaf in subset else p * (1 - delta / outside)
                     for leaf, p in zip(self.leaves, self.points))  # fmt: skip


def leaves_under(result: Result, node: str) -> set[str]:
    children: dict[str, list[str]] = {}
    for c in result.rubric.criteria:
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

"""Ranking with the rubric's tie-break chain, and the award decision.

Bids are ordered by total, then by each tie-break key (higher wins). Bids still equal on
every key share a rank (1, 1, 3 …): the tool never breaks a tie by name or file order —
it reports it, to be settled by lot outside the tool (brief §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from bideval.model.rubric import Award


class Candidate(NamedTuple):
    """A bid to rank: an eligible bid, or a bid under changed weights in the analysis."""

    bidder: str
    price: int
    keys: tuple[Decimal, ...]  # total first, then each tie-break value


class Placed(NamedTuple):
    bidder: str
    rank: int
    price: int
    resolved_by: int  # how many keys it took to separate it from its neighbours (0 = total)
    tied: bool  # equal to a neighbour on every key


@dataclass(frozen=True)
class Decision:
    kind: str  # awarded | negotiation | failed_tender | tie_unresolved
    winners: list[str]
    tied: list[str]
    cut_by: str | None = None  # multiple awards: "budget" or "max_winners", what stopped the winners


def rank(candidates: list[Candidate]) -> list[Placed]:
    # Higher keys first and, among equal keys, by bidder id: sorting by id first, then by keys
    # (a stable sort, even reversed), keeps the ids in order among equal keys.
    by_bidder = sorted(candidates, key=lambda c: c.bidder)
    ordered = sorted(by_bidder, key=lambda c: c.keys, reverse=True)
    # How many keys it takes to tell each candidate from the next: all of them when equal.
    gaps = [_first_difference(a, b) for a, b in zip(ordered, ordered[1:])]
    placed: list[Placed] = []
    for i, cand in enumerate(ordered):
        before, after = gaps[i - 1] if i else 0, gaps[i] if i < len(gaps) else 0
        same_as_previous = i > 0 and before == len(cand.keys)
        position = placed[-1].rank if same_as_previous else i + 1
        tied = same_as_previous or after == len(cand.keys)
        placed.append(Placed(cand.bidder, position, cand.price, max(before, after), tied))
    return placed


def _first_difference(a: Candidate, b: Candidate) -> int:
    for index, (x, y) in enumerate(zip(a.keys, b.keys)):
        if x != y:
            return index
    return len(a.keys)


def decide(placed: list[Placed], award: Award) -> Decision:
    """Who is selected, given the ranked eligible bids."""
    if len(placed) < award.min_valid_bids:
        if len(placed) == 1 and award.sole_bid == "negotiate":
            return Decision("negotiation", [placed[0].bidder], [])
        return Decision("failed_tender", [], [])
    groups: list[list[Placed]] = []
    for p in placed:
        if groups and groups[-1][0].rank == p.rank:
            groups[-1].append(p)
        else:
            groups.append([p])
    if award.mode == "single":
        first = groups[0]
        if len(first) > 1:
            return Decision("tie_unresolved", [], [p.bidder for p in first])
        return Decision("awarded", [first[0].bidder], [])
    return _decide_multiple(groups, award)


def _decide_multiple(groups: list[list[Placed]], award: Award) -> Decision:
    winners: list[str] = []
    spent = 0
    limit_count = award.max_winners or sum(len(g) for g in groups)
    for group in groups:
        room = limit_count - len(winners)
        cost = sum(p.price for p in group)
        fits_budget = award.budget is None or spent + cost <= award.budget
        if len(group) <= room and fits_budget:
            winners += [p.bidder for p in group]
            spent += cost
            continue
        # Part of a tied group might still fit: which part is for the lot to decide.
        some_fit = room > 0 and any(award.budget is None or spent + p.price <= award.budget for p in group)
        if len(group) > 1 and some_fit:
            return Decision("tie_unresolved", winners, [p.bidder for p in group])
        cut_by = "budget" if len(group) <= room else "max_winners"
        return Decision("awarded" if winners else "failed_tender", winners, [], cut_by)
    return Decision("awarded" if winners else "failed_tender", winners, [])


# With lots, the call's outcome is the best any lot reached: awarded if any lot was, then
# negotiation, then an unresolved tie; failed (유찰) only when every lot failed.
_BEST_FIRST = ("awarded", "negotiation", "tie_unresolved", "failed_tender")


def overall_kind(kinds: list[str]) -> str:
    return min(kinds, key=_BEST_FIRST.index)

"""Ranking and award decision (bideval.engine.rank), hand-worked.

Rules: brief §2 "Order by total; ties → higher technical score → higher score on the item with
the largest points → still tied: must be settled by lot (the tool reports it, never picks
silently)"; DESIGN §2.1 `ranking.tie_break` and `award` (single|multiple, min_valid_bids with
fewer valid bids → failed_tender/유찰, sole_bid negotiate|fail — the National AI Computing
Center re-announced call with a single applicant going to 수의계약, brief §1 — and a
multiple-award budget: "winners taken in rank order while the cumulative price fits").
Keys in these examples: (total, technical, largest item).
"""

from __future__ import annotations

from decimal import Decimal

from bideval.engine.rank import Candidate, decide, rank
from bideval.model.rubric import Award

D = Decimal


def cand(bidder: str, price: int, *keys) -> Candidate:
    return Candidate(bidder, price, tuple(D(k) for k in keys))


def ranks(placed) -> dict[str, int]:
    return {p.bidder: p.rank for p in placed}


def award(**kw) -> Award:
    return Award.model_validate(kw)


def test_order_by_total():
    """Totals 91.5 > 90 > 85 → ranks 1, 2, 3 with nothing tied."""
    placed = rank([cand("c", 1, "85"), cand("a", 1, "91.5"), cand("b", 1, "90")])
    assert [p.bidder for p in placed] == ["a", "b", "c"]
    assert [p.rank for p in placed] == [1, 2, 3]
    assert not any(p.tied for p in placed)
    assert all(p.resolved_by == 0 for p in placed)


def test_tie_on_total_broken_by_technical():
    """brief §2: equal totals (90) → higher technical wins. a: (90, 70); b: (90, 72); c: (85, 80).
    b (72 > 70) is 1st, a 2nd, c 3rd; b and a were separated by key #1 (technical)."""
    placed = rank([cand("a", 1, 90, 70, 30), cand("b", 1, 90, 72, 30), cand("c", 1, 85, 80, 35)])
    assert [p.bidder for p in placed] == ["b", "a", "c"]
    assert ranks(placed) == {"b": 1, "a": 2, "c": 3}
    by = {p.bidder: p for p in placed}
    assert by["b"].resolved_by == 1 and by["a"].resolved_by == 1 and by["c"].resolved_by == 0
    assert not any(p.tied for p in placed)


def test_tie_on_total_and_technical_broken_by_largest_item():
    """brief §2 next key: the item with the largest points (brief §1: the 35-point build plan).
    a: (90, 72, 30); b: (90, 72, 31) → b first, separated at key #2."""
    placed = rank([cand("a", 1, 90, 72, 30), cand("b", 1, 90, 72, 31)])
    assert ranks(placed) == {"b": 1, "a": 2}
    assert all(p.resolved_by == 2 for p in placed)


def test_lower_total_is_not_rescued_by_tie_break():
    """Tie-break keys only decide between equal totals: a (90.0001, 60) beats b (90, 80)."""
    assert ranks(rank([cand("a", 1, "90.0001", 60), cand("b", 1, 90, 80)])) == {"a": 1, "b": 2}


def test_full_tie_shares_the_rank_1_1_3():
    """brief §2: still tied after every key → reported, never broken by name: ranks 1, 1, 3.
    'z' and 'a' equal on (90, 72, 30); 'm' (85, …) is 3rd (not 2nd). Decimal('90.0') = 90."""
    placed = rank([cand("z", 1, "90.0", 72, 30), cand("m", 1, 85, 80, 35), cand("a", 1, 90, "72.00", 30)])
    assert ranks(placed) == {"a": 1, "z": 1, "m": 3}
    by = {p.bidder: p for p in placed}
    assert by["a"].tied and by["z"].tied and not by["m"].tied
    assert by["a"].resolved_by == 3 and by["z"].resolved_by == 3  # equal on all 3 keys


def test_three_way_tie_then_fourth():
    """Three equal bids → 1, 1, 1, then the next bid is 4th."""
    placed = rank([cand("a", 1, 80), cand("b", 1, 80), cand("c", 1, 80), cand("d", 1, 70)])
    assert ranks(placed) == {"a": 1, "b": 1, "c": 1, "d": 4}


def test_tie_in_the_middle():
    """(95), (90), (90), (80) → 1, 2, 2, 4."""
    placed = rank([cand("a", 1, 95), cand("b", 1, 90), cand("c", 1, 90), cand("d", 1, 80)])
    assert ranks(placed) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_single_award_tie_unresolved():
    """DESIGN §2.1: a tie that survives the list is reported as unresolved (decided by lot,
    outside the tool): single award, a and z tied 1st → kind tie_unresolved, no winner."""
    placed = rank([cand("z", 1, 90, 72), cand("a", 1, 90, 72), cand("m", 1, 85, 80)])
    decision = decide(placed, award())
    assert decision.kind == "tie_unresolved"
    assert decision.winners == []
    assert sorted(decision.tied) == ["a", "z"]


def test_single_award_tie_below_first_does_not_matter():
    """Single award: a is 1st alone; b and c tied 2nd → a is awarded."""
    placed = rank([cand("a", 1, 95), cand("b", 1, 90), cand("c", 1, 90)])
    decision = decide(placed, award())
    assert decision.kind == "awarded" and decision.winners == ["a"] and decision.tied == []


def test_multiple_award_within_budget_stops_at_first_that_does_not_fit():
    """DESIGN §2.1 award.budget: winners in rank order while the cumulative price fits.
    Budget 850. a (1st, 500): 500 ≤ 850 ✓; b (2nd, 300): 800 ≤ 850 ✓; c (3rd, 100): 900 > 850 ✗ → stop.
    d (4th, 50) would fit (800 + 50 = 850) but is not taken: selection stops at the first bid
    that does not fit."""
    placed = rank([cand("a", 500, 95), cand("b", 300, 90), cand("c", 100, 85), cand("d", 50, 80)])
    decision = decide(placed, award(mode="multiple", budget=850))
    assert decision.kind == "awarded"
    assert decision.winners == ["a", "b"]


def test_multiple_award_cumulative_price_exactly_at_budget_fits():
    """Budget 850: a 500 + b 350 = 850 ≤ 850 → both selected ("fits" includes equality)."""
    placed = rank([cand("a", 500, 95), cand("b", 350, 90), cand("c", 1, 85)])
    assert decide(placed, award(mode="multiple", budget=850)).winners == ["a", "b"]


def test_multiple_award_without_budget_takes_everyone():
    placed = rank([cand("a", 500, 95), cand("b", 350, 90)])
    decision = decide(placed, award(mode="multiple"))
    assert decision.kind == "awarded" and decision.winners == ["a", "b"]


def test_multiple_award_first_does_not_fit():
    """Budget 400 < a's 500 → the 1st does not fit and selection stops there (DESIGN §2.1 "in rank
    order while the cumulative price fits") → no winner, so the tender fails (failed_tender)."""
    placed = rank([cand("a", 500, 95), cand("b", 300, 90)])
    decision = decide(placed, award(mode="multiple", budget=400))
    assert decision.kind == "failed_tender" and decision.winners == []


def test_tie_at_the_budget_boundary_is_unresolved():
    """a 1st (500); b and c tied 2nd (300 each). Budget 800: a → 500; b + c → 1,100 > 800, but
    one of them alone → 800 ≤ 800 fits: which one is for the lot → tie_unresolved, a kept as a
    winner, b and c reported as tied."""
    placed = rank([cand("a", 500, 95), cand("b", 300, 90), cand("c", 300, 90)])
    decision = decide(placed, award(mode="multiple", budget=800))
    assert decision.kind == "tie_unresolved"
    assert decision.winners == ["a"]
    assert sorted(decision.tied) == ["b", "c"]


def test_tie_at_the_budget_boundary_both_fit():
    """Same bids, budget 1,100: 500 + 300 + 300 = 1,100 ≤ 1,100 → all three selected."""
    placed = rank([cand("a", 500, 95), cand("b", 300, 90), cand("c", 300, 90)])
    decision = decide(placed, award(mode="multiple", budget=1100))
    assert decision.kind == "awarded" and decision.winners == ["a", "b", "c"]


def test_tie_at_the_budget_boundary_neither_fits():
    """Same bids, budget 700: a → 500; b or c alone → 800 > 700: neither fits, so there is no
    tie to settle → awarded to a alone."""
    placed = rank([cand("a", 500, 95), cand("b", 300, 90), cand("c", 300, 90)])
    decision = decide(placed, award(mode="multiple", budget=700))
    assert decision.kind == "awarded" and decision.winners == ["a"] and decision.tied == []


def test_tie_at_max_winners_boundary():
    """max_winners 2: a 1st; b and c tied 2nd for one remaining place → tie_unresolved."""
    placed = rank([cand("a", 1, 95), cand("b", 1, 90), cand("c", 1, 90)])
    decision = decide(placed, award(mode="multiple", max_winners=2))
    assert decision.kind == "tie_unresolved" and decision.winners == ["a"] and sorted(decision.tied) == ["b", "c"]


def test_min_valid_bids_sole_bid_negotiate():
    """brief §1 (National AI Computing Center): min_valid_bids 2, a re-announced call with a single
    applicant → negotiated contract (수의계약): kind negotiation with that bidder."""
    placed = rank([cand("solo", 1, 88)])
    decision = decide(placed, award(min_valid_bids=2, sole_bid="negotiate"))
    assert decision.kind == "negotiation" and decision.winners == ["solo"]


def test_min_valid_bids_sole_bid_fail():
    """brief §1: rounds 1 and 2 failed (유찰) because fewer than two consortia applied:
    min_valid_bids 2, one bid, sole_bid fail → failed_tender."""
    placed = rank([cand("solo", 1, 88)])
    decision = decide(placed, award(min_valid_bids=2, sole_bid="fail"))
    assert decision.kind == "failed_tender" and decision.winners == []


def test_min_valid_bids_no_bids_is_failed_even_with_negotiate():
    """No eligible bid at all: nothing to negotiate with → failed_tender."""
    assert decide([], award(min_valid_bids=2, sole_bid="negotiate")).kind == "failed_tender"
    assert decide([], award()).kind == "failed_tender"


def test_min_valid_bids_two_short_is_not_a_sole_bid():
    """min_valid_bids 3 with 2 eligible bids: not a *sole* bid, so negotiate does not apply
    → failed_tender (유찰)."""
    placed = rank([cand("a", 1, 88), cand("b", 1, 80)])
    assert decide(placed, award(min_valid_bids=3, sole_bid="negotiate")).kind == "failed_tender"


def test_min_valid_bids_met():
    """min_valid_bids 2 with 2 eligible bids → ordinary award to the 1st."""
    placed = rank([cand("a", 1, 88), cand("b", 1, 80)])
    decision = decide(placed, award(min_valid_bids=2, sole_bid="negotiate"))
    assert decision.kind == "awarded" and decision.winners == ["a"]

"""Each ledger statistic against a small example worked by hand (the definitions are issue 21's:
leniency = mean over an evaluator's scored cells of (own score − mean of the other evaluators'
scores for the same bid and item), as a percentage of the item's points)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from bideval.ledger.statistics import (
    Bid,
    Evaluation,
    Panel,
    Sitting,
    bidder_rows,
    current,
    deviation,
    evaluator_history,
    evaluator_rows,
    favoured,
    leniency,
)

D = Decimal


def panel(bidder, criterion, points, scale, scores, statuses=None, evaluation=1, tender="t1"):
    statuses = statuses or {who: ("conflict" if s is None else "kept") for who, s in scores.items()}
    scores = {who: None if s is None else D(s) for who, s in scores.items()}
    return Panel(evaluation, tender, bidder, criterion, D(points), scale, scores, statuses)


# Three cells, worked by hand:
# A, 20 points, raw points: e1 16, e2 12, e3 14.
#   e1: 16 − (12 + 14)/2 = 3 → 3/20 = 15 %;  e2: 12 − 15 = −3 → −15 %;  e3: 14 − 14 = 0 → 0 %.
# B, 10 points, percent scale: e1 80, e2 70, e3 conflicted.
#   e1: 80 − 70 = 10 %;  e2: 70 − 80 = −10 %;  e3 gave no score.
# C, 5 points: only e1 scored (the others conflicted): nobody to compare with, no deviation.
A = panel("x", "plan", "20", "points", {"e1": "16", "e2": "12", "e3": "14"})
B = panel("x", "ops", "10", "percent", {"e1": "80", "e2": "70", "e3": None})
C = panel("y", "plan", "5", "points", {"e1": "4", "e2": None, "e3": None})


def test_deviation_is_a_percentage_of_the_items_points_on_either_scale():
    assert deviation(A, "e1") == 15
    assert deviation(A, "e2") == -15
    assert deviation(A, "e3") == 0
    assert deviation(B, "e1") == 10
    assert deviation(B, "e2") == -10


def test_no_deviation_without_an_own_score_or_anyone_else_s():
    assert deviation(B, "e3") is None  # conflicted
    assert deviation(C, "e1") is None  # alone
    assert deviation(A, "e9") is None  # not on this panel


def test_leniency_is_the_mean_over_the_evaluators_comparable_cells():
    assert leniency([A, B, C], "e1") == Fraction(25, 2)  # (15 + 10) / 2; C has no deviation
    assert leniency([A, B, C], "e2") == Fraction(-25, 2)
    assert leniency([A, B, C], "e3") == 0
    assert leniency([C], "e1") is None


def test_leniency_is_exact_until_rounded_half_up_to_four_places():
    # 30 points: e1 10, e2 11, e3 11. e1: 10 − 11 = −1 → −1/30 = −3.33333… %;
    # e2: 11 − (10 + 11)/2 = 0.5 → 0.5/30 = 1.66666… % → 1.6667 (half up).
    cell = panel("x", "plan", "30", "points", {"e1": "10", "e2": "11", "e3": "11"})
    assert leniency([cell], "e1") == Fraction(-10, 3)
    rows = {r["evaluator_id"]: r for r in evaluator_rows(_sittings("e1", "e2", "e3"), [cell], {})}
    assert rows["e1"]["leniency"] == D("-3.3333")
    assert rows["e2"]["leniency"] == D("1.6667")
    assert rows["e3"]["leniency"] == D("1.6667")


def _sittings(*evaluators, evaluation=1, tender="t1", conflicts=()):
    return [Sitting(evaluation, tender, e, frozenset(conflicts) if e == evaluators[0] else frozenset())
            for e in evaluators]  # fmt: skip


def test_evaluator_row_counts_cells_trims_and_conflicts():
    """e1 over two tenders. t1: cell A (kept), cell B (dropped as highest); t2: one cell dropped as
    lowest, one conflict declared there and one cell it could not score. Cells: 3 scores given."""
    high = panel("x", "ops", "10", "percent", {"e1": "80", "e2": "70", "e3": "60"},
                 {"e1": "dropped_high", "e2": "kept", "e3": "dropped_low"})  # fmt: skip
    low = panel("z", "plan", "10", "points", {"e1": "2", "e2": "6", "e3": "7"},
                {"e1": "dropped_low", "e2": "kept", "e3": "dropped_high"}, evaluation=2, tender="t2")  # fmt: skip
    barred = panel("w", "plan", "10", "points", {"e1": None, "e2": "6", "e3": "7"}, evaluation=2, tender="t2")
    sittings = _sittings("e1", "e2", "e3") + _sittings("e1", "e2", "e3", evaluation=2, tender="t2", conflicts=["w"])
    row = evaluator_rows(sittings, [A, high, low, barred], {"e1": "Kim"})[0]
    # deviations: A 15; high 80 − 65 = 15; low (2 − 6.5)/10 = −45 → mean (15 + 15 − 45)/3 = −5
    assert row == {"evaluator_id": "e1", "name": "Kim", "tenders": 2, "cells": 3, "leniency": D("-5.0000"),
                   "trimmed_high": 1, "trimmed_low": 1, "conflicts": 1, "repeated_favouritism": False,
                   "favoured": {}}  # fmt: skip


def test_favouritism_repeated_in_two_tenders_is_flagged():
    """Bidder x: in t1 e1 gives 9 of 10 where the others give 7 (+20 %); in t2 15 of 20 where the
    others give 13 (+10 %, exactly the threshold: counts). Bidder y is favoured in t1 only."""
    t1 = panel("x", "plan", "10", "points", {"e1": "9", "e2": "7", "e3": "7"})
    t1y = panel("y", "plan", "10", "points", {"e1": "10", "e2": "7", "e3": "7"})
    t2 = panel("x", "plan", "20", "points", {"e1": "15", "e2": "13", "e3": "13"}, evaluation=2, tender="t2")
    assert favoured([t1, t1y, t2], "e1") == {"x": {"t1", "t2"}, "y": {"t1"}}
    sittings = _sittings("e1", "e2", "e3") + _sittings("e1", "e2", "e3", evaluation=2, tender="t2")
    row = evaluator_rows(sittings, [t1, t1y, t2], {})[0]
    assert row["repeated_favouritism"] is True
    assert row["favoured"] == {"x": ["t1", "t2"]}
    # a stricter threshold leaves t2's +10 % out: x is favoured once only
    assert evaluator_rows(sittings, [t1, t1y, t2], {}, above=D("10.01"))[0]["repeated_favouritism"] is False


def test_favouritism_is_the_mean_over_the_bids_items_and_two_rounds_are_one_tender():
    """t1 round 1 and round 2 are one tender: favoured in both is not 'two tenders'. In t2, bid x
    gets +30 % on one item and −20 % on another: a mean of +5 %, not favoured."""
    r1 = panel("x", "plan", "10", "points", {"e1": "9", "e2": "7", "e3": "7"})
    r2 = panel("x", "plan", "10", "points", {"e1": "9", "e2": "7", "e3": "7"}, evaluation=2)
    up = panel("x", "plan", "10", "points", {"e1": "9", "e2": "6", "e3": "6"}, evaluation=3, tender="t2")
    down = panel("x", "ops", "10", "points", {"e1": "4", "e2": "6", "e3": "6"}, evaluation=3, tender="t2")
    assert favoured([r1, r2, up, down], "e1") == {"x": {"t1"}}


def test_the_latest_evaluation_of_a_tender_and_round_is_counted():
    """Per tender and round: the later evaluation date wins, then the one added later."""
    day1, day2, day3 = date(2025, 1, 1), date(2025, 2, 1), date(2025, 1, 15)
    evaluations = [Evaluation(1, "t1", 1, day1), Evaluation(2, "t1", 1, day2), Evaluation(3, "t1", 1, day2),
                   Evaluation(4, "t1", 2, day1), Evaluation(5, "t1", 1, day3), Evaluation(6, "t2", 1, day1)]  # fmt: skip
    assert current(evaluations) == {3, 4, 6}


def test_bidder_row_counts_tenders_rounds_wins_and_failures():
    """x: t1 round 1 — ranked 1st and won; t2 round 1 — ranked 2nd; t2 round 2 — failed a gate in a
    call that failed (유찰); t3 — below the technical threshold and over budget (one bid, one
    threshold failure). Average rank (1 + 2)/2 = 1.50."""
    bids = [Bid(1, "t1", "x", 1, True, "awarded", frozenset()),
            Bid(2, "t2", "x", 2, False, "awarded", frozenset({"not_selected_rank"})),
            Bid(3, "t2", "x", None, False, "failed_tender", frozenset({"gate_failed"})),
            Bid(4, "t3", "x", None, False, "awarded", frozenset({"below_technical", "over_budget"})),
            Bid(4, "t3", "y", 1, True, "awarded", frozenset())]  # fmt: skip
    rows = bidder_rows(bids, {"x": "X Corp"})
    assert rows[0] == {"bidder_id": "x", "name": "X Corp", "tenders": 3, "rounds": 4, "wins": 1, "gate_failures": 1,
                       "threshold_failures": 1, "failed_calls": 1, "average_rank": D("1.50")}  # fmt: skip
    assert rows[1]["bidder_id"] == "y" and rows[1]["average_rank"] == D("1.00")


def test_average_rank_rounds_half_up_and_is_empty_when_never_ranked():
    """Ranks 1, 2, 2: 5/3 = 1.666… → 1.67. A bidder never ranked has no average."""
    bids = [Bid(n, f"t{n}", "x", rank, False, "awarded", frozenset()) for n, rank in ((1, 1), (2, 2), (3, 2))]
    bids.append(Bid(4, "t4", "z", None, False, "awarded", frozenset({"below_minimum"})))
    rows = bidder_rows(bids, {})
    assert rows[0]["average_rank"] == D("1.67")
    assert rows[1]["average_rank"] is None and rows[1]["threshold_failures"] == 1


def test_an_evaluators_history_is_a_row_per_evaluation_it_sat_on():
    """e1 in t1 (cell A: +15 %, and bidder x favoured there) and in t2 (cell low: −45 %, trimmed as
    lowest, one conflict declared); e2's sittings are not e1's history."""
    low = panel("z", "plan", "10", "points", {"e1": "2", "e2": "6", "e3": "7"},
                {"e1": "dropped_low", "e2": "kept", "e3": "dropped_high"}, evaluation=2, tender="t2")  # fmt: skip
    sittings = _sittings("e1", "e2", "e3") + _sittings("e1", "e2", "e3", evaluation=2, tender="t2", conflicts=["w"])
    assert evaluator_history(sittings, [A, low], "e1") == [
        {"evaluation": 1, "tender": "t1", "cells": 1, "leniency": D("15.0000"), "trimmed_high": 0, "trimmed_low": 0,
         "conflicts": 0, "favoured": ["x"]},
        {"evaluation": 2, "tender": "t2", "cells": 1, "leniency": D("-45.0000"), "trimmed_high": 0, "trimmed_low": 1,
         "conflicts": 1, "favoured": []},
    ]  # fmt: skip
    assert evaluator_history(sittings, [A, low], "e9") == []

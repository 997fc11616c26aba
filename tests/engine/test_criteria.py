"""Scoring every criterion of every bid (bideval.engine.criteria.score_bids), hand-worked.

Judged criteria are scored a group at a time: the bids that the same evaluators score (the
same conflicts) form one group. These tests interleave bids of different groups and check
that each score lands with its own bid.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bideval.engine.criteria import score_bids
from bideval.model.bid import Bid
from bideval.model.rubric import Rubric
from bideval.model.scores import Scores

RUBRIC = Rubric.model_validate({
    "schema": "bideval/rubric/v1", "id": "t", "title": "T", "issuer": "T", "currency": "KRW",
    "evaluation_date": date(2025, 1, 1),
    "criteria": [{"id": "plan", "label": "Plan", "points": 10, "method": "judged"}],
})  # fmt: skip


def bid(bidder: str) -> Bid:
    return Bid.model_validate({"schema": "bideval/bid/v1", "bidder": {"id": bidder, "name": bidder}, "price": 1})


def sheet(evaluator: str, scores: dict[str, int], conflicts: list[str]) -> Scores:
    return Scores.model_validate({"schema": "bideval/scores/v1", "evaluator": {"id": evaluator, "name": evaluator,
                                  "conflicts": conflicts}, "scores": {b: {"plan": v} for b, v in scores.items()}})  # fmt: skip


def test_bids_with_different_conflicts_each_get_their_own_panel():
    """Default panel rule (brief §2 / DESIGN §2.1): drop one highest and one lowest when at least
    5 evaluators score. e1 has a conflict with b, so b is scored by 4 and is not trimmed.

    a: 60 70 80 90 100 → drop 100 and 60 → (70 + 80 + 90) / 3 = 80 → 10 × 80% = 8.0000
    b: (e1 out) 70 80 90 100 → 340 / 4 = 85 → 8.5000
    c: 50 50 50 50 100 → drop 100 (e5) and the first 50 (e1) → 150 / 3 = 50 → 5.0000
    """
    given = {"a": [60, 70, 80, 90, 100], "b": [None, 70, 80, 90, 100], "c": [50, 50, 50, 50, 100]}
    panel = [sheet(f"e{i + 1}", {b: v[i] for b, v in given.items() if v[i] is not None}, ["b"] if i == 0 else [])
             for i in range(5)]  # fmt: skip
    scores, problems = score_bids(RUBRIC, [bid("a"), bid("b"), bid("c")], {"a": {}, "b": {}, "c": {}}, panel)
    assert problems == []
    plan = {bidder: criteria[0] for bidder, criteria in scores.items()}
    assert {b: str(s.score) for b, s in plan.items()} == {"a": "8.0000", "b": "8.5000", "c": "5.0000"}
    assert (plan["a"].panel.trimmed, plan["b"].panel.trimmed) == (True, False)
    assert [e.status for e in plan["b"].panel.scores] == ["conflict", "kept", "kept", "kept", "kept"]
    assert [e.status for e in plan["c"].panel.scores] == ["dropped_low", "kept", "kept", "kept", "dropped_high"]


def test_a_bid_nobody_may_score_is_refused():
    """The loader reports this case to the user; the scorer itself refuses it too."""
    with pytest.raises(ValueError, match="at least one score"):
        score_bids(RUBRIC, [bid("a")], {"a": {}}, [sheet("e1", {}, ["a"])])


def test_parents_are_the_sums_of_their_childrens_rounded_scores():
    """Two judged children of 5 points each, one evaluator (no trimming), 4 places half-up,
    both scored 33.33331%: each earns 5 × 33.33331% = 1.6666655 → 1.6667. The parent is
    1.6667 + 1.6667 = 3.3334, not the rounded exact sum (3.333331 → 3.3333): as the README's
    rules say, each leaf is rounded and parents and totals are sums of the rounded scores."""
    rubric = Rubric.model_validate({**RUBRIC.model_dump(by_alias=True), "criteria": [
        {"id": "all", "label": "All", "points": 10, "children": [
            {"id": "x", "label": "X", "points": 5, "method": "judged"},
            {"id": "y", "label": "Y", "points": 5, "method": "judged"}]}]})  # fmt: skip
    one = Scores.model_validate({"schema": "bideval/scores/v1", "evaluator": {"id": "e1", "name": "e1"},
                                 "scores": {"a": {"x": Decimal("33.33331"), "y": Decimal("33.33331")}}})  # fmt: skip
    scores, _ = score_bids(rubric, [bid("a")], {"a": {}}, [one])
    assert [(s.id, str(s.score)) for s in scores["a"]] == [("all", "3.3334"), ("x", "1.6667"), ("y", "1.6667")]


def test_computed_scores_record_each_bid_s_own_value_and_the_first_best():
    """ratio_to_best, better: lower, on the fact `cost` (DESIGN §2.1: points × best ÷ this), 10
    points, 4 places half-up. Bids a…d state 40, 50, 40.0 and 50:
    - the best is 40, as first given (bid a's "40", not c's "40.0");
    - a and c earn 10 × 40 ÷ 40 = 10.0000 and each records its own spelling;
    - b and d earn 10 × 40 ÷ 50 = 8.0000."""
    rubric = Rubric.model_validate({**RUBRIC.model_dump(by_alias=True), "criteria": [
        {"id": "cost", "label": "Cost", "points": 10, "method": "ratio_to_best", "metric": "facts.cost",
         "better": "lower"}]})  # fmt: skip
    given = {"a": "40", "b": "50", "c": "40.0", "d": "50"}
    bids = [Bid.model_validate({"schema": "bideval/bid/v1", "bidder": {"id": b, "name": b}, "price": 1,
                                "facts": {"cost": Decimal(v)}}) for b, v in given.items()]  # fmt: skip
    scores, problems = score_bids(rubric, bids, {b: {} for b in given}, [])
    assert problems == []
    cost = {b: criteria[0] for b, criteria in scores.items()}
    assert {b: str(s.score) for b, s in cost.items()} == {"a": "10.0000", "b": "8.0000", "c": "10.0000", "d": "8.0000"}
    assert {b: str(s.inputs["value"]) for b, s in cost.items()} == given
    assert {str(s.inputs["best"]) for s in cost.values()} == {"40"}


def test_every_bid_a_computed_criterion_cannot_score_is_named():
    """ratio_to_best needs values above 0 (DESIGN §2.1): bids b and d state 0, a states 5 —
    both b and d are reported, in bid order, each once."""
    rubric = Rubric.model_validate({**RUBRIC.model_dump(by_alias=True), "criteria": [
        {"id": "cost", "label": "Cost", "points": 10, "method": "ratio_to_best", "metric": "facts.cost",
         "better": "lower"}]})  # fmt: skip
    bids = [Bid.model_validate({"schema": "bideval/bid/v1", "bidder": {"id": b, "name": b}, "price": 1,
                                "facts": {"cost": v}}) for b, v in {"a": 5, "b": 0, "c": 5, "d": 0}.items()]  # fmt: skip
    scores, problems = score_bids(rubric, bids, {b: {} for b in "abcd"}, [])
    assert scores == {}
    assert [(p.bidder, p.criterion) for p in problems] == [("b", "cost"), ("d", "cost")]
    assert all("greater than 0" in p.message for p in problems)

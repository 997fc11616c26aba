"""Procedures (issue 18): stages, bonus and penalty points, rounds and the suitability check, lots —
each on a small programme worked out by hand in the docstring.

Sources: brief §1 (the SPC's two stages, its failed rounds and the negotiated contract after a
re-announced call with a single applicant, bonus points for several cloud operators; the GPU
rental's two tracks with their own floors and winners) and brief §2 (price ratio points × lowest ÷
this; the technical threshold).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from bideval.engine.pipeline import evaluate
from bideval.errors import InputError
from bideval.load.inputs import load_inputs

QUALITY = {"id": "quality", "label": "Quality", "points": 50, "method": "judged", "scale": "points"}
PRICE = {"id": "price", "label": "Price", "points": 40, "method": "ratio_to_best", "metric": "price", "better": "lower"}
PLAN = {"id": "plan", "label": "Plan", "points": 10, "method": "judged", "scale": "points"}
TWO_STAGES = [
    {"id": "technical", "label": "Stage 1", "criteria": ["quality"], "pass": {"min_score": 30}},
    {"id": "financial", "label": "Stage 2", "criteria": ["price", "plan"]},
]


def rubric(**overrides) -> dict:
    data = {"schema": "bideval/rubric/v1", "id": "proc", "title": "Procedures", "issuer": "Test", "currency": "KRW",
            "evaluation_date": "2025-01-01", "criteria": [QUALITY, PRICE, PLAN]}  # fmt: skip
    data.update(overrides)
    return data


def write(tmp: Path, rubric: dict, bids: dict[str, dict], scores: dict[str, dict]) -> tuple[Path, Path]:
    """JSON inputs. bids: bidder → extra bid fields (price required); scores: bidder → {criterion: points},
    given by one evaluator e1 (one evaluator: the panel mean is the score)."""
    (tmp / "bids" / "scores").mkdir(parents=True)
    (tmp / "rubric.json").write_text(json.dumps(rubric), encoding="utf-8")
    for bidder, given in bids.items():
        fields = dict(given)  # the caller's dict is used again
        bidder_block = {"id": bidder, "name": bidder.title(), **fields.pop("bidder", {})}
        bid = {"schema": "bideval/bid/v1", "bidder": bidder_block, **fields}
        (tmp / "bids" / f"{bidder}.json").write_text(json.dumps(bid), encoding="utf-8")
    sheet = {"schema": "bideval/scores/v1", "evaluator": {"id": "e1", "name": "E1"}, "scores": scores}
    (tmp / "bids" / "scores" / "e1.json").write_text(json.dumps(sheet), encoding="utf-8")
    return tmp / "rubric.json", tmp / "bids"


def run(tmp: Path, rubric: dict, bids: dict[str, dict], scores: dict[str, dict]):
    return evaluate(load_inputs(*write(tmp, rubric, bids, scores)))


def by_id(result):
    return {b.bidder_id: b for b in result.bids}


STAGE_BIDS = {"a": {"price": 100}, "b": {"price": 80}, "c": {"price": 50}}
STAGE_SCORES = {"a": {"quality": 45, "plan": 8}, "b": {"quality": 35, "plan": 6}, "c": {"quality": 20}}


def test_a_bid_failing_stage_one_is_not_scored_in_stage_two(tmp_path):
    """Stage 1 (quality, pass at 30 points): a 45 and b 35 pass, c 20 fails. Stage 2 compares only a
    and b: b's 80 is the lowest price among them (c's 50 no longer counts), so b gets 40 and a
    40 × 80 ÷ 100 = 32. Totals: a 45 + 32 + 8 = 85, b 35 + 40 + 6 = 81. c needs no stage-2 score."""
    result = run(tmp_path, rubric(stages=TWO_STAGES), dict(STAGE_BIDS), dict(STAGE_SCORES))
    bids = by_id(result)
    assert [(s.id, str(s.score), s.passed) for s in bids["a"].stages] == [("technical", "45.0000", True),
                                                                          ("financial", "40.0000", True)]  # fmt: skip
    assert {c.id: str(c.score) for c in bids["a"].criteria} == {"quality": "45.0000", "price": "32.0000",
                                                                "plan": "8.0000"}  # fmt: skip
    assert (str(bids["a"].total), str(bids["b"].total)) == ("85.0000", "81.0000")
    assert bids["a"].base_total == bids["a"].total and bids["a"].adjustments == []
    c = bids["c"]
    assert (c.status, c.total, c.rank) == ("below_threshold", None, None)
    assert [(s.id, s.score, s.passed) for s in c.stages] == [("technical", Decimal("20.0000"), False), ("financial", None, None)]
    assert [c.id for c in c.criteria] == ["quality"]
    assert [(r.code, r.subject, str(r.actual), str(r.required)) for r in c.reasons] == [
        ("stage_failed", "technical", "20.0000", "30")]  # fmt: skip
    assert result.outcome.winners == ["a"]


def test_a_missing_later_stage_score_is_located_for_a_bid_that_reached_it(tmp_path):
    """b reached stage 2 but e1 gave it no 'plan' score: a located problem in e1's file, once b is known
    to have reached the stage (c, which did not, needs none)."""
    scores = {"a": {"quality": 45, "plan": 8}, "b": {"quality": 35}, "c": {"quality": 20}}
    with pytest.raises(InputError) as caught:
        run(tmp_path, rubric(stages=TWO_STAGES), dict(STAGE_BIDS), scores)
    [problem] = caught.value.problems
    assert problem.file.endswith("e1.json") and problem.line > 0
    assert "'b', which reached this stage, on: plan" in problem.message


def test_weighted_stages_and_last_stage_decides(tmp_path):
    """weighted_sum with weights 0.5 and 2: a 0.5 × 45 + 2 × 40 = 102.5, b 0.5 × 35 + 2 × 46 = 109.5
    (b first). last_stage: a 40, b 46 — stage 1 only decides who goes on."""
    weighted = [{**TWO_STAGES[0], "weight": 0.5}, {**TWO_STAGES[1], "weight": 2}]
    result = run(tmp_path / "w", rubric(stages=weighted), dict(STAGE_BIDS), dict(STAGE_SCORES))
    assert [(b.bidder_id, str(b.total)) for b in result.bids if b.rank] == [("b", "109.5000"), ("a", "102.5000")]
    last = run(tmp_path / "l", rubric(stages=TWO_STAGES, stage_scores="last_stage"), dict(STAGE_BIDS),
               dict(STAGE_SCORES))  # fmt: skip
    assert [(b.bidder_id, str(b.total)) for b in last.bids if b.rank] == [("b", "46.0000"), ("a", "40.0000")]


def test_top_n_lets_every_bid_tied_at_the_cut_pass(tmp_path):
    """top: 1 with a and b tied at 45: neither is dropped by name — both go on; c (20) does not."""
    stages = [{**TWO_STAGES[0], "pass": {"top": 1}}, TWO_STAGES[1]]
    scores = {"a": {"quality": 45, "plan": 8}, "b": {"quality": 45, "plan": 6}, "c": {"quality": 20}}
    result = run(tmp_path, rubric(stages=stages), dict(STAGE_BIDS), scores)
    assert {b.bidder_id: b.stages[0].passed for b in result.bids} == {"a": True, "b": True, "c": False}


ADJUSTMENTS = {
    "max_bonus": 3, "max_penalty": 1,
    "items": [
        {"id": "multi-csp", "label": "Cloud operators", "kind": "bonus", "rule": "per_unit",
         "metric": "consortium_cloud_operators", "above": 1, "points": 1, "max": 2},
        {"id": "green", "label": "Green", "kind": "bonus", "rule": "boolean", "field": "facts.green", "points": 1.5},
        {"id": "sanction", "label": "Sanction", "kind": "penalty", "rule": "boolean", "field": "facts.sanction",
         "points": 2},
    ],
}  # fmt: skip


def _consortium(operators: int) -> list[dict]:
    share = "0.25"
    members = [{"name": f"op{i}", "share": Decimal(share), "sector": "private", "kind": "cloud_operator"}
               for i in range(operators)]  # fmt: skip
    members += [{"name": f"other{i}", "share": Decimal(share), "sector": "public"} for i in range(4 - operators)]
    return [{**m, "share": float(m["share"])} for m in members]  # written as JSON numbers 0.25


def test_bonus_and_penalty_points_with_item_and_total_caps(tmp_path):
    """a: 4 cloud operators → (4 − 1) × 1 = 3, capped at the item's 2 (item_cap); green → 1.5, but only
    3 − 2 = 1 bonus point is left (total_cap); sanction → −2, capped at the 1 penalty point allowed
    (total_cap). base 45 + 32 + 8 = 85; total = 85 + 2 + 1 − 1 = 87. b: 1 operator → nothing (not_met),
    not green, no sanction: total = base = 81."""
    bids = {"a": {"price": 100, "bidder": {"consortium": _consortium(4)}, "facts": {"green": True, "sanction": True}},
            "b": {"price": 80, "bidder": {"consortium": _consortium(1)}, "facts": {"green": False, "sanction": False}}}
    result = run(tmp_path, rubric(adjustments=ADJUSTMENTS), bids, {b: s for b, s in STAGE_SCORES.items() if b != "c"})
    a, b = by_id(result)["a"], by_id(result)["b"]
    assert [(x.id, str(x.earned), str(x.points), x.reason) for x in a.adjustments] == [
        ("multi-csp", "2", "2", "item_cap"), ("green", "1.5", "1", "total_cap"), ("sanction", "2", "-1", "total_cap")]
    assert (str(a.base_total), str(a.total)) == ("85.0000", "87.0000")
    assert [(x.points, x.reason) for x in b.adjustments] == [(0, "not_met")] * 3
    assert (str(b.base_total), str(b.total)) == ("81.0000", "81.0000")
    assert a.total == a.base_total + sum(x.points for x in a.adjustments)


def test_the_technical_threshold_counts_adjustments_only_when_told(tmp_path):
    """Threshold: quality ≥ 0.9 × 50 = 45. b has 44 and a +2 bonus (3 operators): below the threshold
    before adjustments (the default), 46 ≥ 45 after them."""
    bids = {"a": {"price": 100, "bidder": {"consortium": _consortium(1)}, "facts": {"green": False, "sanction": False}},
            "b": {"price": 80, "bidder": {"consortium": _consortium(3)}, "facts": {"green": False, "sanction": False}}}
    scores = {"a": {"quality": 46, "plan": 8}, "b": {"quality": 44, "plan": 6}}
    before = {"technical": {"criteria": ["quality"], "min_ratio": 0.9}}
    result = run(tmp_path / "1", rubric(adjustments=ADJUSTMENTS, thresholds=before), dict(bids), dict(scores))
    assert by_id(result)["b"].status == "below_threshold"
    after = {"technical": {**before["technical"], "after_adjustments": True}}
    result = run(tmp_path / "2", rubric(adjustments=ADJUSTMENTS, thresholds=after), dict(bids), dict(scores))
    b = by_id(result)["b"]
    assert (b.status, str(b.technical.score)) == ("selected", "46.0000")


ROUNDS = [{"round": 1, "announced": "2025-03-04", "applicants": 1}, {"round": 2, "announced": "2025-05-30"}]


def test_a_sole_applicant_of_a_re_announced_round_goes_to_negotiation_when_suitable(tmp_path):
    """Round 1 had 1 applicant, fewer than the 2 required: failed (유찰). Round 2, re-announced, has one:
    the suitability check (total ≥ 60, each category ≥ half its points) — quality 45 ≥ 25, price
    40 ≥ 20, plan 8 ≥ 5, total 93 ≥ 60 — passes: negotiation (수의계약)."""
    rules = rubric(rounds=ROUNDS, award={"min_valid_bids": 2}, suitability={"min_total": 60, "min_category_ratio": 0.5})
    result = run(tmp_path, rules, {"a": {"price": 100}}, {"a": {"quality": 45, "plan": 8}})
    outcome = result.outcome
    assert (outcome.kind, outcome.winners) == ("negotiation", ["a"])
    assert [(r.round, r.applicants, r.outcome, r.evaluated) for r in outcome.rounds] == [
        (1, 1, "failed_tender", False), (2, 1, "negotiation", True)]  # fmt: skip
    [check] = outcome.suitability
    assert check.suitable and [(c.id, str(c.actual), str(c.required)) for c in check.checks][-4:] == [
        ("min_total", "93.0000", "60"), ("category:quality", "45.0000", "25.0"), ("category:price", "40.0000", "20.0"),
        ("category:plan", "8.0000", "5.0")]  # fmt: skip


def test_an_unsuitable_sole_applicant_fails_the_round_with_the_reasons(tmp_path):
    """quality 20 < 25 (half of 50): not suitable, though the total 20 + 40 + 8 = 68 reaches 60 → the
    round fails; the bid says which check failed."""
    rules = rubric(rounds=ROUNDS, award={"min_valid_bids": 2}, suitability={"min_total": 60, "min_category_ratio": 0.5})
    result = run(tmp_path, rules, {"a": {"price": 100}}, {"a": {"quality": 20, "plan": 8}})
    assert (result.outcome.kind, result.outcome.winners) == ("failed_tender", [])
    assert result.outcome.rounds[-1].outcome == "failed_tender"
    a = result.bids[0]
    assert [(r.code, r.subject) for r in a.reasons] == [("not_suitable", "category:quality")]


def test_a_first_round_with_a_sole_applicant_fails_without_a_suitability_check(tmp_path):
    """The suitability check is for a re-announced round only; round 1 with one applicant fails (유찰)."""
    rules = rubric(award={"min_valid_bids": 2})
    result = run(tmp_path, rules, {"a": {"price": 100}}, {"a": {"quality": 45, "plan": 8}})
    assert result.outcome.kind == "failed_tender" and result.outcome.suitability == []
    assert [(r.round, r.applicants, r.outcome) for r in result.outcome.rounds] == [(1, 1, "failed_tender")]


def _gpus(gpu: str, count: int) -> dict:
    return {"clusters": [{"id": "c1", "gpu": gpu, "nodes": count // 8, "gpus_per_node": 8, "use": "public",
                          "cooling": "air"}]}  # fmt: skip


LOTS = [
    {"id": "track-1", "label": "Track 1", "floors": [{"gpus": ["b200"], "at_least": 1000},
                                                     {"gpus": ["h100-sxm", "h200-sxm"], "at_least": 2000}]},
    {"id": "track-2", "label": "Track 2", "floors": [{"gpus": ["h100-sxm", "h200-sxm"], "at_least": 1000}],
     "award": {"mode": "multiple", "max_winners": 2}},
]  # fmt: skip


def test_lots_rank_their_own_bids_with_their_own_floors_and_winners(tmp_path):
    """Brief §1 (GPU rental): track 1 needs ≥ 1,000 B200 or ≥ 2,000 H100/H200; track 2 ≥ 1,000 H100/H200.
    t1a (1,024 B200) and t1b (2,048 H200) meet track 1's floor by either way; t2c (800 H200) misses
    track 2's. Prices compare within a lot: in track 1 the lowest is t1b's 90 (t2's cheaper 50 does not
    count), so t1a gets 40 × 90 ÷ 100 = 36. Track 2 has one valid bid left, its single winner."""
    bids = {"t1a": {"lot": "track-1", "price": 100, **_gpus("b200", 1024)},
            "t1b": {"lot": "track-1", "price": 90, **_gpus("h200-sxm", 2048)},
            "t2a": {"lot": "track-2", "price": 50, **_gpus("h100-sxm", 1024)},
            "t2c": {"lot": "track-2", "price": 40, **_gpus("h200-sxm", 800)}}  # fmt: skip
    scores = {b: {"quality": 40, "plan": 5} for b in bids}
    result = run(tmp_path, rubric(lots=LOTS, award={"mode": "single"}), bids, scores)
    got = by_id(result)
    assert str(next(c.score for c in got["t1a"].criteria if c.id == "price")) == "36.0000"
    assert [(b.bidder_id, b.lot, b.rank) for b in result.bids] == [
        ("t1b", "track-1", 1), ("t1a", "track-1", 2), ("t2a", "track-2", 1), ("t2c", "track-2", None)]
    floor = got["t2c"].gates[-1]
    assert (floor.id, floor.passed, floor.actual) == ("floor-track-2", False, "h100-sxm + h200-sxm 800")
    assert {lot: o.winners for lot, o in result.outcome.lots.items()} == {"track-1": ["t1b"], "track-2": ["t2a"]}
    assert result.outcome.kind == "awarded" and result.outcome.winners == ["t1b", "t2a"]

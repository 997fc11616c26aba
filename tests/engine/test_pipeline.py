"""The pipeline on small constructed programmes whose outcome is known by hand."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bideval.engine.pipeline import evaluate
from bideval.engine.result import READ_BACK, Result
from bideval.load.inputs import load_inputs
from bideval.render.json import render_json


def _rubric(**overrides) -> dict:
    rubric = {
        "schema": "bideval/rubric/v1",
        "id": "tiny",
        "title": "Tiny",
        "issuer": "Test",
        "currency": "KRW",
        "evaluation_date": "2025-01-01",
        "criteria": [
            {"id": "quality", "label": "Quality", "points": 60, "method": "judged", "scale": "points"},
            {"id": "price", "label": "Price", "points": 40, "method": "ratio_to_best", "metric": "price",
             "better": "lower"},
        ],
    }
    rubric.update(overrides)
    return rubric


def _write(tmp: Path, rubric: dict, prices: dict[str, int], panel: dict[str, dict]) -> tuple[Path, Path]:
    """JSON inputs (accepted like YAML). panel: evaluator → {bidder: quality score} (+ 'conflicts')."""
    (tmp / "bids" / "scores").mkdir(parents=True)
    rubric_path = tmp / "rubric.json"
    rubric_path.write_text(json.dumps(rubric), encoding="utf-8")
    for bidder, price in prices.items():
        bid = {"schema": "bideval/bid/v1", "bidder": {"id": bidder, "name": bidder.title()}, "price": price}
        (tmp / "bids" / f"{bidder}.json").write_text(json.dumps(bid), encoding="utf-8")
    for evaluator, given in panel.items():
        conflicts = given.pop("conflicts", [])
        sheet = {"schema": "bideval/scores/v1", "evaluator": {"id": evaluator, "name": evaluator, "conflicts": conflicts},
                 "scores": {b: {"quality": v} for b, v in given.items()}}
        (tmp / "bids" / "scores" / f"{evaluator}.json").write_text(json.dumps(sheet), encoding="utf-8")
    return rubric_path, tmp / "bids"


def _run(tmp: Path, rubric: dict, prices: dict[str, int], panel: dict[str, dict]) -> Result:
    return evaluate(load_inputs(*_write(tmp, rubric, prices, panel)))


def test_full_tie_is_reported_not_broken(tmp_path):
    """Brief §2: a tie that survives the tie-breaks is settled by lot, outside the tool.

    a and b: quality 50 each, price 100 each → 50 + 40 = 90 both; no tie-break listed.
    """
    result = _run(tmp_path, _rubric(), {"a": 100, "b": 100}, {"e1": {"a": 50, "b": 50}})
    assert [(b.bidder_id, b.rank, b.status) for b in result.bids] == [("a", 1, "eligible"), ("b", 1, "eligible")]
    assert result.outcome.kind == "tie_unresolved" and result.outcome.tied == ["a", "b"]
    assert [w.code for w in result.warnings] == ["tie_unresolved"]


def test_tie_break_chain_uses_named_criterion(tmp_path):
    """Totals equal (a: 60 + 30 = 90; b: 50 + 40 = 90); tie_break [quality] → a first.

    b's price 75 is the lowest: b gets 40; a: 40 × 75 / 100 = 30.
    """
    result = _run(tmp_path, _rubric(ranking={"tie_break": ["quality"]}), {"a": 100, "b": 75},
                  {"e1": {"a": 60, "b": 50}})  # fmt: skip
    assert [(b.bidder_id, str(b.total), b.rank, b.rank_decided_by) for b in result.bids] == [
        ("a", "90.0000", 1, "quality"), ("b", "90.0000", 2, "quality")]  # fmt: skip
    assert result.outcome.winners == ["a"]


def test_failed_tender_and_sole_bid_negotiation(tmp_path):
    """DESIGN §2.1 award: fewer valid bids than min_valid_bids → 유찰, unless sole_bid: negotiate."""
    panel = {"e1": {"a": 60}}
    failed = _run(tmp_path / "1", _rubric(award={"min_valid_bids": 2}), {"a": 100}, dict(panel))
    assert failed.outcome.kind == "failed_tender" and failed.outcome.winners == []
    assert failed.bids[0].status == "eligible"
    assert [r.code for r in failed.bids[0].reasons] == ["failed_tender"]
    sole = _run(tmp_path / "2", _rubric(award={"min_valid_bids": 2, "sole_bid": "negotiate"}), {"a": 100},
                {"e1": {"a": 60}})  # fmt: skip
    assert sole.outcome.kind == "negotiation" and sole.bids[0].status == "selected"


def test_category_minimum_excludes(tmp_path):
    """min_ratio 0.5 on quality (60 points) needs ≥ 30: b with 29.5 is excluded."""
    rubric = _rubric()
    rubric["criteria"][0]["min_ratio"] = 0.5
    result = _run(tmp_path, rubric, {"a": 100, "b": 90}, {"e1": {"a": 40, "b": 29.5}})
    b = result.bid("b")
    assert b.status == "excluded" and b.rank is None
    assert [(r.code, r.subject, str(r.actual), str(r.required)) for r in b.reasons] == [
        ("below_minimum", "quality", "29.5000", "30.0")]  # fmt: skip
    assert result.outcome.winners == ["a"]


def test_budget_threshold_and_technical_threshold(tmp_path):
    """thresholds: technical ≥ 0.85 × 60 = 51 on quality; price ≤ 100 (budget)."""
    rubric = _rubric(thresholds={"technical": {"criteria": ["quality"], "min_ratio": 0.85}, "budget": 100})
    result = _run(tmp_path, rubric, {"a": 100, "b": 101, "c": 90}, {"e1": {"a": 51, "b": 60, "c": 50.9999}})
    assert {b.bidder_id: b.status for b in result.bids} == {"a": "selected", "b": "below_threshold",
                                                            "c": "below_threshold"}  # fmt: skip
    assert [r.code for r in result.bid("b").reasons] == ["over_budget"]
    assert [r.code for r in result.bid("c").reasons] == ["below_technical"]
    # c's lower price still sets the best price (it passed the gates): a gets 40 × 90 / 100 = 36.
    assert str(result.bid("a").categories["price"]) == "36.0000"


def test_conflicted_evaluator_is_recorded_and_left_out(tmp_path):
    """Five evaluators; e5 has a conflict with b, so b's panel has four scores: no trimming (< 5).

    a: 10, 20, 30, 40, 50 → drop 50 and 10 → (20 + 30 + 40) / 3 = 30.
    b: 10, 20, 30, 40 → mean 25.
    """
    panel = {f"e{i}": {"a": 10 * i, "b": 10 * i} for i in range(1, 5)}
    panel["e5"] = {"a": 50, "conflicts": ["b"]}
    result = _run(tmp_path, _rubric(), {"a": 100, "b": 100}, panel)
    a_panel = result.bid("a").criteria[0].panel
    b_panel = result.bid("b").criteria[0].panel
    assert str(a_panel.mean) == "30.0000" and a_panel.trimmed
    assert [(s.evaluator, s.status) for s in a_panel.scores if s.status != "kept"] == [
        ("e1", "dropped_low"), ("e5", "dropped_high")]  # fmt: skip
    assert str(b_panel.mean) == "25.0000" and not b_panel.trimmed
    assert [(s.evaluator, s.score, s.status) for s in b_panel.scores][-1] == ("e5", None, "conflict")


def test_multiple_award_stops_at_first_bid_over_budget(tmp_path):
    """Winners in rank order while the cumulative price fits 250: a (100) + b (120) = 220; c (90) → 310."""
    rubric = _rubric(award={"mode": "multiple", "budget": 250})
    result = _run(tmp_path, rubric, {"a": 100, "b": 120, "c": 90}, {"e1": {"a": 60, "b": 58, "c": 10}})
    assert [b.bidder_id for b in result.bids] == ["a", "b", "c"]
    assert result.outcome.winners == ["a", "b"]
    assert result.bid("c").status == "eligible"


def test_result_round_trips_through_results_json(tmp_path):
    result = _run(tmp_path, _rubric(), {"a": 100, "b": 80}, {"e1": {"a": 55.5, "b": 50}})
    text = render_json(result)
    again = Result.model_validate_json(text, context=READ_BACK)
    assert again == result
    assert render_json(again) == text


def test_a_result_survives_pickling_and_deep_copies(tmp_path):
    """A Result can go to another process; panel entries, built on first read, go as tuples."""
    import copy
    import pickle

    panel = {f"e{i}": {"a": 10 * i, "b": 10 * i} for i in range(1, 5)}
    panel["e5"] = {"a": 50, "conflicts": ["b"]}
    result = _run(tmp_path, _rubric(), {"a": 100, "b": 100}, panel)
    for again in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result)):
        assert again == result
        assert render_json(again) == render_json(result)


def test_file_order_and_names_do_not_change_the_ranking(tmp_path):
    prices = {"a": 100, "b": 80, "c": 90}
    panel = {"e1": {"a": 55, "b": 50, "c": 52}}
    first = _run(tmp_path / "1", _rubric(), prices, {k: dict(v) for k, v in panel.items()})
    rubric_path, bids = _write(tmp_path / "2", _rubric(), prices, {k: dict(v) for k, v in panel.items()})
    (bids / "a.json").rename(bids / "zzz-last.json")
    second = evaluate(load_inputs(rubric_path, bids))
    assert [(b.bidder_id, b.rank, b.total) for b in first.bids] == [(b.bidder_id, b.rank, b.total) for b in second.bids]


def test_gate_on_a_date_field(tmp_path):
    """A gate `schedule.service_start le 2025-12-31`: a bid starting in January fails it, with the date kept."""
    rubric = _rubric(eligibility=[{"id": "in-year", "label": "In service this year", "field": "schedule.service_start",
                                   "op": "le", "value": "2025-12-31"}])
    rubric_path, bids = _write(tmp_path, rubric, {"a": 100, "b": 90}, {"e1": {"a": 50, "b": 50}})
    # JSON has no dates: write the rubric as YAML so the gate value is a date.
    rubric_path.write_text(yaml.safe_dump(rubric).replace("'2025-12-31'", "2025-12-31"), encoding="utf-8")
    for bidder, start in (("a", "2025-12-31"), ("b", "2026-01-02")):
        data = json.loads((bids / f"{bidder}.json").read_text(encoding="utf-8"))
        data["schedule"] = {"service_start": start}
        (bids / f"{bidder}.json").write_text(json.dumps(data), encoding="utf-8")
    result = evaluate(load_inputs(rubric_path, bids))
    assert result.bid("a").status == "selected"
    gate = result.bid("b").gates[0]
    assert (gate.passed, gate.actual.isoformat(), result.bid("b").status) == (False, "2026-01-02", "excluded")
    assert Result.model_validate_json(render_json(result), context=READ_BACK) == result


def test_every_bid_failing_a_gate_is_a_failed_tender_without_warnings(tmp_path):
    """Both bids fail the gate `price le 50` (prices 100 and 90): nobody is scored, the tender
    fails (award.min_valid_bids 1 by default, brief §2: 유찰), and no panel is checked for spread."""
    rubric = _rubric(eligibility=[{"id": "cheap", "label": "Cheap", "field": "price", "op": "le", "value": 50}])
    result = _run(tmp_path, rubric, {"a": 100, "b": 90}, {"e1": {"a": 10, "b": 50}})
    assert [(b.bidder_id, b.status, b.criteria) for b in result.bids] == [("a", "excluded", []), ("b", "excluded", [])]
    assert result.outcome.kind == "failed_tender" and result.warnings == []


def test_bids_left_out_of_a_multiple_award_say_whether_the_budget_or_the_count_did_it(tmp_path):
    """DESIGN §2.1: winners in rank order while the cumulative price fits the budget (and max_winners).
    Quality (points) a 60, b 50, c 30; price 40 × lowest ÷ this with prices 100, 80, 60: a 24, b 30,
    c 40 → totals 84, 80, 70. Budget 150: a (100) fits, a + b = 180 does not → b and c are not selected
    because of the budget. max_winners 1 without a budget: because of their rank."""
    prices, panel = {"a": 100, "b": 80, "c": 60}, {"e1": {"a": 60, "b": 50, "c": 30}}
    budget = _run(tmp_path / "1", _rubric(award={"mode": "multiple", "budget": 150}), prices, {"e1": dict(panel["e1"])})
    assert [(b.bidder_id, str(b.total), [r.code for r in b.reasons]) for b in budget.bids] == [
        ("a", "84.0000", []), ("b", "80.0000", ["not_selected_budget"]), ("c", "70.0000", ["not_selected_budget"])]
    count = _run(tmp_path / "2", _rubric(award={"mode": "multiple", "max_winners": 1}), prices, {"e1": dict(panel["e1"])})
    assert [[r.code for r in b.reasons] for b in count.bids] == [[], ["not_selected_rank"], ["not_selected_rank"]]

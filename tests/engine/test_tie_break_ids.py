"""Tie-break entries name a criterion id first, a keyword second (issue 18 §8).

`technical` and `largest_item` are keywords only when no criterion has that id; a criterion
`technical` next to a `thresholds.technical` that counts other items is refused as ambiguous.
"""

from __future__ import annotations

import json

import pytest

from bideval.engine.pipeline import evaluate
from bideval.errors import InputError
from bideval.load.checks import tie_break_meaning
from bideval.load.inputs import load_inputs
from tests.conftest import KR, run
from tests.engine.test_pipeline import _rubric, _write


def _renamed(first: str, **overrides) -> dict:
    """The tiny rubric (judged 60 + price 40) with its judged criterion called `first`."""
    rubric = _rubric(**overrides)
    rubric["criteria"][0]["id"] = first
    return rubric


def _load_error(tmp_path, rubric: dict) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_inputs(*_write(tmp_path, rubric, {"a": 100}, {}))
    return [str(p) for p in caught.value.problems]


def _evaluate(tmp_path, rubric: dict, prices: dict[str, int], quality: dict[str, int]):
    """Write the inputs with the judged criterion renamed in the score file too."""
    rubric_path, bids = _write(tmp_path, rubric, prices, {"e1": quality})
    first = rubric["criteria"][0]["id"]
    sheet = bids / "scores" / "e1.json"
    data = json.loads(sheet.read_text(encoding="utf-8"))
    data["scores"] = {b: {first: v} for b, v in quality.items()}
    sheet.write_text(json.dumps(data), encoding="utf-8")
    return evaluate(load_inputs(rubric_path, bids))


def test_criterion_named_technical_without_threshold_breaks_the_tie(tmp_path):
    """Criterion `technical` (60), no thresholds, tie_break [technical]: once refused with "needs
    thresholds.technical". Totals equal (a: 60 + 30 = 90; b: 50 + 40 = 90) → a first on technical."""
    rubric = _renamed("technical", ranking={"tie_break": ["technical"]})
    result = _evaluate(tmp_path, rubric, {"a": 100, "b": 75}, {"a": 60, "b": 50})
    assert [(b.bidder_id, b.rank, b.rank_decided_by) for b in result.bids] == [
        ("a", 1, "technical"), ("b", 2, "technical")]  # fmt: skip


def test_criterion_named_largest_item_means_that_criterion(tmp_path):
    """Criterion `largest_item` (60) and price (40): the keyword would also pick the 60-point item,
    so make price the larger: judged 40, price 60. a: 40 + 60 × 75/100 = 85; b: 25 + 60 = 85.
    The criterion `largest_item` puts a first; the keyword (price, 60 points) would put b first."""
    rubric = _renamed("largest_item", ranking={"tie_break": ["largest_item"]})
    rubric["criteria"][0]["points"], rubric["criteria"][1]["points"] = 40, 60
    result = _evaluate(tmp_path, rubric, {"a": 100, "b": 75}, {"a": 40, "b": 25})
    assert [(b.bidder_id, str(b.total), b.rank) for b in result.bids] == [("a", "85.0000", 1), ("b", "85.0000", 2)]
    assert tie_break_meaning(result_rubric(tmp_path), "largest_item") == ("criterion", "largest_item")


def result_rubric(tmp_path):
    return load_inputs(tmp_path / "rubric.json", tmp_path / "bids").rubric


def test_leaf_called_technical_with_largest_item_evaluates_through_the_cli(tmp_path):
    """The issue's rubric: leaf `technical` (judged, 80 points, no thresholds), tie_break
    [largest_item] → `largest_item` is the `technical` leaf; evaluate writes results."""
    rubric = _renamed("technical", ranking={"tie_break": ["largest_item"]})
    rubric["criteria"][0]["points"], rubric["criteria"][1]["points"] = 80, 20
    rubric_path, bids = _write(tmp_path, rubric, {"a": 100, "b": 75}, {"e1": {}})
    sheet = bids / "scores" / "e1.json"
    data = json.loads(sheet.read_text(encoding="utf-8"))
    data["scores"] = {"a": {"technical": 80}, "b": {"technical": 75}}  # a: 80 + 15 = 95; b: 75 + 20 = 95
    sheet.write_text(json.dumps(data), encoding="utf-8")
    result = run("evaluate", rubric_path, bids, "--format", "json", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert written["outcome"]["winners"] == ["a"]


def test_criterion_technical_and_a_threshold_counting_other_items_is_ambiguous(tmp_path):
    """`technical` with children t1, t2; thresholds.technical counts only t1: a reader may take
    either meaning → a located error at the tie-break entry saying how to resolve it."""
    rubric = _rubric(ranking={"tie_break": ["technical"]},
                     thresholds={"technical": {"criteria": ["t1"], "min_ratio": 0.5}})  # fmt: skip
    rubric["criteria"][0] = {"id": "technical", "label": "Technical", "points": 60, "children": [
        {"id": "t1", "label": "T1", "points": 30, "method": "judged", "scale": "points"},
        {"id": "t2", "label": "T2", "points": 30, "method": "judged", "scale": "points"}]}  # fmt: skip
    problems = [p for p in _load_error(tmp_path, rubric) if "rubric.json" in p]
    assert len(problems) == 1 and "rubric.json:1:" in problems[0]
    assert "tie-break 'technical' is ambiguous" in problems[0] and "rename the criterion" in problems[0]


def test_criterion_technical_and_a_threshold_counting_the_same_items_is_fine(tmp_path):
    """Both meanings count the same leaves, so the same number: no error (the KR sample's case,
    and here with the threshold listing the children instead of the parent)."""
    rubric = _rubric(ranking={"tie_break": ["technical"]},
                     thresholds={"technical": {"criteria": ["t1", "t2"], "min_ratio": 0.5}})  # fmt: skip
    rubric["criteria"][0] = {"id": "technical", "label": "Technical", "points": 60, "children": [
        {"id": "t1", "label": "T1", "points": 30, "method": "judged", "scale": "points"},
        {"id": "t2", "label": "T2", "points": 30, "method": "judged", "scale": "points"}]}  # fmt: skip
    (tmp_path / "bids" / "scores").mkdir(parents=True)
    (tmp_path / "rubric.json").write_text(json.dumps(rubric), encoding="utf-8")
    bid = {"schema": "bideval/bid/v1", "bidder": {"id": "a", "name": "A"}, "price": 100}
    (tmp_path / "bids" / "a.json").write_text(json.dumps(bid), encoding="utf-8")
    sheet = {"schema": "bideval/scores/v1", "evaluator": {"id": "e1", "name": "E1"},
             "scores": {"a": {"t1": 20, "t2": 20}}}  # fmt: skip
    (tmp_path / "bids" / "scores" / "e1.json").write_text(json.dumps(sheet), encoding="utf-8")
    assert load_inputs(tmp_path / "rubric.json", tmp_path / "bids").rubric.ranking.tie_break == ["technical"]
    kr = load_inputs(*KR)
    assert tie_break_meaning(kr.rubric, "technical") == ("criterion", "technical")


def test_keywords_still_apply_when_no_criterion_has_the_id(tmp_path):
    """No criterion `technical` and no thresholds.technical → refused, as before; an unknown
    entry is refused too."""
    problems = _load_error(tmp_path, _rubric(ranking={"tie_break": ["technical", "nothing"]}))
    assert any("needs thresholds.technical" in p for p in problems)
    assert any("tie-break 'nothing' is not" in p for p in problems)
    rubric = _rubric(thresholds={"technical": {"criteria": ["quality"], "min_ratio": 0.5}})
    assert tie_break_meaning(load_rubric(tmp_path / "2", rubric), "technical") == ("technical", None)
    assert tie_break_meaning(load_rubric(tmp_path / "3", _rubric()), "largest_item") == ("largest_item", "quality")


def load_rubric(tmp_path, rubric: dict):
    return load_inputs(*_write(tmp_path, rubric, {"a": 100}, {"e1": {"a": 10}})).rubric

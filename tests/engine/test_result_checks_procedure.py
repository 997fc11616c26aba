"""results.json cross-checks for the procedure fields (issue 18): a hand edit to the SPC or rental
sample's results.json that changes a stage, an adjustment or a lot's winners is refused, located at
the edited value, before `report` or `scorecard` render it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bideval.engine.pipeline import evaluate
from bideval.engine.result_file import load_results
from bideval.errors import InputError
from bideval.load.inputs import load_inputs
from bideval.render.json import render_json
from tests.conftest import RUBRICS, SAMPLES


def results(name: str) -> dict:
    return json.loads(render_json(evaluate(load_inputs(RUBRICS / f"{name}.yaml", SAMPLES / name))))


@pytest.fixture(scope="module")
def spc() -> dict:
    return results("ai-computing-center-spc-2025")


@pytest.fixture(scope="module")
def rental() -> dict:
    return results("gpu-rental-2025")


def problems_after(tmp_path: Path, data: dict, edit: Callable[[dict], None]) -> tuple[list[str], str]:
    data = json.loads(json.dumps(data))
    edit(data)
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path = tmp_path / "results.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_results(path)
    return [str(p) for p in raised.value.problems], text


def test_both_samples_load_as_written(tmp_path: Path, spc: dict, rental: dict) -> None:
    for data in (spc, rental):
        path = tmp_path / "r.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        assert load_results(path).outcome.kind in ("negotiation", "awarded")


def test_raised_adjustment_points(tmp_path: Path, spc: dict) -> None:
    """multi-csp gives 2 (3 operators − 1, at most 2): 3 is no rule's, and the total no longer adds up."""
    def edit(d):
        d["bids"][0]["adjustments"][0]["points"] = "3"
    found, _ = problems_after(tmp_path, spc, edit)
    assert any("adjustments[0].points: 3 is not what the item's rule and the caps give (2)" in p for p in found)
    assert any("bids[0].total: 81.0385 is not the base total plus the adjustments (82.0385)" in p for p in found)


def test_a_stage_marked_failed_that_was_passed(tmp_path: Path, spc: dict) -> None:
    def edit(d):
        d["bids"][0]["stages"][1]["passed"] = False
    found, _ = problems_after(tmp_path, spc, edit)
    assert any("stages[1].passed: False is not the score against the required (True)" in p for p in found)


def test_a_stage_score_that_is_not_its_categories(tmp_path: Path, spc: dict) -> None:
    def edit(d):
        d["bids"][0]["stages"][0]["score"] = "60.0000"
    found, _ = problems_after(tmp_path, spc, edit)
    assert any("stages[0].score: 60.0000 is not the sum of the stage's categories (55.5885)" in p for p in found)


def test_a_lot_winner_removed(tmp_path: Path, rental: dict) -> None:
    """Track 2 takes two winners (max_winners 2): dropping dasom-gpu is not what the ranks give."""
    def edit(d):
        d["outcome"]["lots"]["track-2"]["winners"] = ["haneul-infra"]
    found, text = problems_after(tmp_path, rental, edit)
    lot = text.index('"track-2": {')
    line = text[: text.index('"winners"', lot)].count("\n") + 1  # the edited value's line
    assert [p for p in found if f"results.json:{line}:" in p and "outcome.lots.track-2.winners: haneul-infra is not "
            "what the ranks and the award rule give (haneul-infra, dasom-gpu)" in p], found


def test_a_round_outcome_that_is_not_the_calls(tmp_path: Path, spc: dict) -> None:
    def edit(d):
        d["outcome"]["rounds"][-1]["outcome"] = "awarded"
    found, _ = problems_after(tmp_path, spc, edit)
    assert any("outcome.rounds[2]" in p and "negotiation, 1 applicant(s)" in p for p in found), found

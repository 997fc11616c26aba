"""The decision analysis under the procedures of issue 18: per lot, with stages (a bid that failed one
stays out), bonus and penalty points in the total ranked, and what is held as evaluated said plainly."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from bideval.analysis import montecarlo, panel, reversal, sensitivity
from bideval.analysis.model import WeightModel
from bideval.analysis.run import FLIP_POINTS, SAMPLING, analyze
from bideval.analysis.whatif import parse
from bideval.engine.pipeline import evaluate
from bideval.load.inputs import load_inputs
from bideval.render.analysis_tables import analysis_tables
from tests.conftest import RUBRICS, SAMPLES, run

SPC = (RUBRICS / "ai-computing-center-spc-2025.yaml", SAMPLES / "ai-computing-center-spc-2025")
RENTAL = (RUBRICS / "gpu-rental-2025.yaml", SAMPLES / "gpu-rental-2025")


def _write(tmp: Path, rubric: dict, bids: dict[str, dict], scores: dict[str, dict]) -> tuple[Path, Path]:
    """JSON inputs: bids {bidder: {price, facts}}, one evaluator's scores {bidder: {criterion: points}}."""
    (tmp / "bids" / "scores").mkdir(parents=True)
    (tmp / "rubric.json").write_text(json.dumps(rubric), encoding="utf-8")
    for bidder, bid in bids.items():
        body = {"schema": "bideval/bid/v1", "bidder": {"id": bidder, "name": bidder.upper()}, **bid}
        (tmp / "bids" / f"{bidder}.json").write_text(json.dumps(body), encoding="utf-8")
    sheet = {"schema": "bideval/scores/v1", "evaluator": {"id": "e1", "name": "E1", "conflicts": []}, "scores": scores}
    (tmp / "bids" / "scores" / "e1.json").write_text(json.dumps(sheet), encoding="utf-8")
    return tmp / "rubric.json", tmp / "bids"


_HEAD = {"schema": "bideval/rubric/v1", "id": "staged", "title": "Staged", "issuer": "Test", "currency": "KRW",
         "evaluation_date": "2025-01-01"}  # fmt: skip


def _staged(tmp_path):
    """quality 60 (panel, points; stage 1, passed at 40 % = 24) then price 40 (ratio_to_best; stage 2,
    weight 2); a bonus of 3 for a local bidder.

    a: quality 60, price 100 → 40 × 75/100 = 30;  total 60 + 2 × 30 = 120.
    b: quality 30, price 75 (best of the two left) → 40; 30 + 2 × 40 = 110, + 3 (local) = 113.
    c: quality 10 < 24: fails stage 1, never priced (its 50 would have been the best price), unranked.
    """
    rubric = {**_HEAD, "criteria": [
        {"id": "quality", "label": "Quality", "points": 60, "method": "judged", "scale": "points"},
        {"id": "price", "label": "Price", "points": 40, "method": "ratio_to_best", "metric": "price",
         "better": "lower"}],
        "stages": [{"id": "technical", "label": "Technical", "criteria": ["quality"], "pass": {"min_ratio": 0.4}},
                   {"id": "financial", "label": "Financial", "criteria": ["price"], "weight": 2}],
        "adjustments": {"max_bonus": 3, "items": [{"id": "local", "label": "Local", "kind": "bonus",
                                                   "rule": "boolean", "field": "facts.local", "points": 3}]}}  # fmt: skip
    bids = {"a": {"price": 100, "facts": {"local": False}}, "b": {"price": 75, "facts": {"local": True}},
            "c": {"price": 50, "facts": {"local": False}}}  # fmt: skip
    return load_inputs(*_write(tmp_path, rubric, bids, {"a": {"quality": 60}, "b": {"quality": 30},
                                                          "c": {"quality": 10}}))  # fmt: skip


def test_the_model_ranks_by_the_total_as_evaluated_stage_weights_and_bonus_included(tmp_path):
    result = evaluate(_staged(tmp_path))
    assert {b.bidder_id: (b.rank, str(b.total)) for b in result.bids} == {
        "a": (1, "120.0000"), "b": (2, "113.0000"), "c": (None, "None")}  # fmt: skip
    model = WeightModel.from_result(result)
    assert set(model.shares) == {"a", "b"}  # c failed stage 1: out of every weight analysis
    assert model.counts == (1, 2) and model.offsets == {"b": 3}
    assert model.totals(model.points) == {"a": 120, "b": 113}


def test_flip_point_with_stage_weights_and_a_bonus_worked_on_paper(tmp_path):
    """Move δ points into price (40 → 40 + δ), out of quality (60 → 60 − δ), pro rata; price counts twice:

    T_a(δ) = (60 − δ)·1 + 2·(40 + δ)·3/4       = 120 + δ/2
    T_b(δ) = (60 − δ)·1/2 + 2·(40 + δ)·1 + 3   = 113 + 3δ/2
    Equal at δ = 7 points (7/40 of price's 40); for quality the same shift, −7 (−7/60).
    Without the stage weight and the bonus it would be 80/3 (test_analysis.py).
    """
    flips = {f.criterion: f for f in sensitivity.flip_points(evaluate(_staged(tmp_path)))}
    assert (flips["price"].delta, flips["price"].share) == (Fraction(7), Fraction(7, 40))
    assert flips["price"].first_after == ("b",) and flips["price"].selected_after == ("b",)
    assert (flips["quality"].delta, flips["quality"].share) == (Fraction(-7), Fraction(-7, 60))


def test_the_held_note_says_what_the_weight_analyses_keep_and_what_the_reruns_apply(tmp_path):
    analysis = analyze(_staged(tmp_path), samples=20)
    [part] = analysis.lots
    assert part.lot is None and part.held == ("stages", "stage_scores", "adjustments", "rerun")
    assert {s.bidder for s in part.stability} == {"a", "b"}
    tables = analysis_tables(analysis, "en")
    assert tables[0][0] == "What the weight analyses hold as evaluated"
    assert [row[0] for row in tables[0][2]] == [
        ("Stages: the bids ranked are those that passed every stage; a stage's pass rule is not re-applied to the "
         "changed points, and a bid that failed a stage stays out."),
        "Totals combine the stages as the rubric does (each stage's weight, or the last stage's score alone).",
        "Bonus and penalty points are added to each total as evaluated: they do not depend on the criteria's points.",
        ("Rank reversal and what-if re-run the whole evaluation: stage pass rules, bonus and penalty points and the "
         "suitability check are applied again."),
    ]
    assert tables[0][0] != analysis_tables(analysis, "ko")[0][0]  # translated


def test_a_what_if_re_applies_the_stage_pass_rule(tmp_path):
    """c at quality 10 fails stage 1 (24 needed); with quality worth 300 points it needs 120 … and a, at
    60 of 300, fails too. The what-if re-runs the evaluation, so b (30) fails as well: nobody is ranked."""
    analysis = analyze(_staged(tmp_path), samples=10, overrides=(parse("points", "quality=300"),))
    assert {b.bidder_id: b.status for b in analysis.result.bids} == {
        "a": "below_threshold", "b": "below_threshold", "c": "below_threshold"}  # fmt: skip
    assert analysis.result.outcome.kind == "failed_tender"
    assert analysis.lots[0].flips == [] and analysis.lots[0].stability == []


def _top_two(tmp_path):
    """Stage 1 (quality) passes the top 2; stage 2 is a judged plan, scored only for a and b.

    a: 60 + 30 = 90, b: 30 + 40 = 70; c (quality 10) is third at stage 1 and has no plan score."""
    rubric = {**_HEAD, "criteria": [
        {"id": "quality", "label": "Quality", "points": 60, "method": "judged", "scale": "points"},
        {"id": "plan", "label": "Plan", "points": 40, "method": "judged", "scale": "points"}],
        "stages": [{"id": "technical", "label": "Technical", "criteria": ["quality"], "pass": {"top": 2}},
                   {"id": "plan-stage", "label": "Plan", "criteria": ["plan"]}]}  # fmt: skip
    bids = {"a": {"price": 100}, "b": {"price": 90}, "c": {"price": 80}}
    return load_inputs(*_write(tmp_path, rubric, bids, {"a": {"quality": 60, "plan": 30},
                                                          "b": {"quality": 30, "plan": 40}, "c": {"quality": 10}}))  # fmt: skip


def test_a_top_n_stage_is_relative_and_a_re_run_it_cannot_score_says_why(tmp_path):
    """Without a (or b), c reaches stage 2, where nobody scored it: that case cannot be re-run, and
    says so instead of inventing an order. Without c, or with a clone of b, the order stands."""
    inputs = _top_two(tmp_path)
    assert reversal.uses_relative_methods(inputs)  # no relative method, but the top-2 rule
    rows = {r.change: r for r in reversal.reversals(inputs)}
    assert rows["without a"].after == () and not rows["without a"].reversed
    assert rows["without a"].problem == ("evaluator 'e1' gave no score for bidder 'c', which reached this stage, "
                                         "on: plan")  # fmt: skip
    assert rows["without c"].before == ("a", "b") and rows["without c"].after == ("a", "b")
    clone = rows["with a clone of b at +10 % price"]
    assert clone.after == ("a", "b") and clone.problem is None
    tables = analysis_tables(analyze(inputs, samples=5), "en")
    reversal_rows = next(rows for title, _, rows in tables if title.startswith("Rank reversal"))
    problem = "evaluator 'e1' gave no score for bidder 'c', which reached this stage, on: plan"
    assert ["without a", "–", "B", problem] in reversal_rows


# -- the SPC sample: one applicant, two stages, a bonus, the suitability check -----------------------


def test_spc_sole_applicant_is_selected_in_every_sample_as_its_suitability_check_stands():
    """Before, the sampling re-decided the award by `min_valid_bids: 2` and said 0 % selected, though the
    applicant went to negotiation: the suitability check's outcome is now held."""
    result = evaluate(load_inputs(*SPC))
    model = WeightModel.from_result(result)
    assert model.totals(model.points) == {"nuri-ai-center": Fraction("81.0385")}  # 79.0385 + 2 bonus
    assert model.fixed is not None and model.fixed.kind == "negotiation"
    assert montecarlo.stability(result, samples=50) == [montecarlo.Stability("nuri-ai-center", 1.0, 1.0)]
    assert sensitivity.flip_points(result) == []  # a single ranked bid: nothing to flip
    analysis = analyze(load_inputs(*SPC), samples=20)
    assert analysis.lots[0].held == ("stages", "adjustments", "suitability", "rerun")


def test_spc_analyze_command_states_what_it_holds():
    done = run("analyze", *SPC, "--samples", "50", "--lang", "en")
    assert done.exit_code == 0, done.output
    text = " ".join(done.stdout.split())
    assert "Held as evaluated by the weight analyses (sensitivity, one at a time, Monte Carlo):" in text
    assert "The suitability check of the sole applicant stands as evaluated" in text
    assert "│ Nuri AI Computing consortium │ 100.0% │ 100.0% │" in text
    assert "Lot " not in text  # no lots: no lot headings


# -- the rental sample: two lots, each analysed on its own -------------------------------------------

TRACK_1, TRACK_2 = {"arum-compute", "sol-datacenter", "bitnara-cloud"}, {"haneul-infra", "dasom-gpu", "nanum-ai"}


@pytest.fixture(scope="module")
def rental():
    return analyze(load_inputs(*RENTAL), samples=500, seed=3)


def test_rental_every_analysis_is_per_lot(rental):
    assert [part.lot for part in rental.lots] == ["track-1", "track-2"]
    one, two = rental.lots
    assert {s.bidder for s in one.stability} == TRACK_1 and {s.bidder for s in two.stability} == TRACK_2
    assert all(set(s.ranking) == TRACK_1 for s in one.sweeps) and all(set(s.ranking) == TRACK_2 for s in two.sweeps)
    assert {f.first_after for f in one.flips if f.delta is not None} <= {(b,) for b in TRACK_1}
    # track 2 awards two (max_winners 2, within the budget): haneul and dasom in every sample
    selected = {s.bidder: s.selected for s in two.stability}
    assert selected == {"haneul-infra": 1.0, "dasom-gpu": 1.0, "nanum-ai": 0.0}
    assert sum(s.first for s in one.stability) == pytest.approx(1.0)
    # mirae-hosting (track 2, under its floor) is removed in track 2's reversals only
    assert [r.change for r in one.reversals] == ["without arum-compute", "without bitnara-cloud",
                                                 "without sol-datacenter", "with a clone of bitnara-cloud at +10 % price"]  # fmt: skip
    assert "without mirae-hosting" in [r.change for r in two.reversals]
    assert {o.bidder for o in one.outliers} == {"sol-datacenter"} and not two.outliers
    assert [(a.criterion, a.bidders) for a in two.agreement] == [("failure-response", 3), ("monitoring", 3)]
    assert all(part.held == () for part in rental.lots)  # lots alone: nothing held beyond the usual


def test_rental_flip_points_are_each_lots_own(rental):
    """Each lot's model reproduces its ranking and award at the published points."""
    result = rental.result
    for lot, winners in (("track-1", ["arum-compute"]), ("track-2", ["haneul-infra", "dasom-gpu"])):
        model = WeightModel.from_result(result, lot)
        totals = model.totals(model.points)
        assert totals == {b.bidder_id: Fraction(b.total) for b in result.bids if b.lot == lot and b.rank}
        assert model.outcome(model.points)[1].winners == winners
    flips = {f.criterion: f for f in rental.lots[0].flips}
    assert flips["price-performance"].first_after == ("sol-datacenter",) and flips["price-performance"].delta > 0
    assert flips["in-service"].delta is None


def test_rental_tables_and_console_have_a_heading_per_lot(rental):
    titles = [title for title, _, _ in analysis_tables(rental, "en")]
    assert titles[0] == "Track 1 (large) · Smallest shift of points that changes the decision (the rest rescaled, total kept)"
    assert sum(title.startswith("Track 2 (medium) · ") for title in titles) == 4
    done = run("analyze", *RENTAL, "--samples", "50", "--lang", "en", "--set", "nanum-ai.price=50000000000")
    assert done.exit_code == 0, done.output
    out = done.stdout
    first, second = out.index("Lot track-1: Track 1 (large)"), out.index("Lot track-2: Track 2 (medium)")
    assert first < second
    assert "Nanum AI" not in out[first:second] and "Arum Compute" not in out[second:]
    assert out.count("What-if: --set nanum-ai.price=50000000000") == 2  # one table per lot


def test_rental_progress_counts_every_lot_once():
    seen: dict[str, list[tuple[int, int]]] = {}
    analyze(load_inputs(*RENTAL), samples=10, progress=lambda step, done, total: seen.setdefault(step, []).append(
        (done, total)))  # fmt: skip
    assert seen[SAMPLING] == [(n, 20) for n in range(1, 21)]  # 10 samples in each of the two lots
    nodes = seen[FLIP_POINTS][-1][1]
    assert seen[FLIP_POINTS] == [(n, nodes) for n in range(nodes + 1)] and nodes == 12  # 6 nodes a lot


def test_a_lot_with_its_own_criteria_is_analysed_on_them(tmp_path):
    from tests.sheets.test_procedures import with_own_criteria

    inputs = load_inputs(*with_own_criteria(tmp_path / "own"))
    analysis = analyze(inputs, samples=20, overrides=(parse("points", "helpdesk=15"),))
    one, two = analysis.lots
    assert {f.criterion for f in one.flips} == {"price-performance", "cluster", "support", "failure-response",
                                                "monitoring", "in-service"}  # fmt: skip
    assert {f.criterion for f in two.flips} == {"price-performance", "support", "helpdesk", "reporting", "in-service-2"}
    assert {a.criterion for a in two.agreement} == {"helpdesk", "reporting"}
    support = next(c for c in analysis.result.rubric.criteria_of("track-2") if c.id == "support")
    assert support.points == 35  # the --points override reached the lot's own criteria: 15 + 20
    assert analysis.result.rubric.total_points == 100  # the rubric's own criteria are untouched
    tables = analysis_tables(analysis, "en")
    assert any(row[0] == "Helpdesk" for title, _, rows in tables if title.startswith("Track 2") for row in rows)
    assert panel.agreement(analysis.result, lot="track-2")[0].criterion == "helpdesk"
